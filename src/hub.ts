/**
 * The one composition root: config → providers, skills, tools, store → something that runs tasks.
 * Everything concrete is wired here and nowhere else.
 */
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import type { Limits } from "./agent/budget.js";
import { holdUntilPassed } from "./agent/held.js";
import { runAgent } from "./agent/loop.js";
import { builtinTools } from "./agent/tools/index.js";
import type { AgentDeps, BoundModel, HeldAction } from "./agent/types.js";
import type { ChannelHealth, RetryPolicy, Supervised } from "./channels/health.js";
import type { ChannelAdapter } from "./channels/types.js";
import { loadConfig } from "./config/load.js";
import { type Paths, resolvePaths } from "./config/paths.js";
import type { Config } from "./config/schema.js";
import { configSecrets } from "./config/secrets.js";
import { errorMessage, InterruptedError, OpenKoiError } from "./core/errors.js";
import { createEmitter, type EventSink, type TaskEventBody } from "./core/events.js";
import { createLogger, type Logger, type LogLevel, parseLogLevel } from "./core/logger.js";
import type { ModelRef } from "./core/model.js";
import { createRateLimiter } from "./core/rate-limiter.js";
import { createRedactor, type Redactor, redactRequest } from "./core/redact.js";
import type { TaskRequest } from "./core/task.js";
import type { Tool } from "./core/tool.js";
import type { LoadedIntegration } from "./integrations/index.js";
import { credentialSecrets } from "./providers/credentials.js";
import { createProviderRegistry, type ProviderRegistry } from "./providers/index.js";
import { createSandbox, type Sandbox, sanitizedEnv } from "./sandbox/index.js";
import type { RouteMounter } from "./server/app.js";
import type { ServerHandle } from "./server/serve.js";
import { type CurrentTaskState, createStateFiles, readCurrentTask } from "./state/files.js";
import { openStore, type Store } from "./store/index.js";

export interface Hub {
  config: Config;
  paths: Paths;
  logger: Logger;
  /** Replaces every known secret (config tokens, `{env:…}` values, provider keys) in what the hub writes or sends. */
  redactor: Redactor;
  providers: ProviderRegistry;
  store: Store;
  /** Where shell commands run, per task origin ([shell] sandbox). */
  sandbox: Sandbox;
  /** The configured integrations (their SDKs load on first use). */
  integrations: LoadedIntegration[];
  /** Per-origin hooks around a task (set when channels load; e.g. GitHub's worktree and pull request). */
  taskHooks: Map<string, Pick<ChannelAdapter, "prepare" | "finish">>;
  /** The hub's clock: rate limits, per-day rules, channel health (tests inject one). */
  now: () => number;
  /** Runs one task to its terminal event; every event goes to the store, the state files and the given sinks. */
  runTask(request: TaskRequest, sinks: EventSink[], signal: AbortSignal): Promise<TaskEventBody>;
  /** What `current-task.json` says now (the CLI's live view and `/api/v1/status` read the same file). */
  currentTask(): CurrentTaskState | undefined;
  /** Loads the configured chat channels (their SDKs only when configured): routes, reply sinks, health, a stop hook. */
  wireChannels(server: ServerHandle): Promise<WiredChannels>;
  close(): void;
}

export interface HubOptions {
  env?: NodeJS.ProcessEnv;
  config?: Config;
  /** When OPENKOI_LOG_LEVEL is unset (the hub logs task lifecycles at info; the CLI stays quiet). */
  defaultLogLevel?: LogLevel;
  /** The hub's clock (rate limits, per-day rules; tests move it); Date.now when absent. */
  now?: () => number;
  /** Overrides of the channel retry policy (tests inject the jitter; the delays come from [server]). */
  channelRetry?: Partial<RetryPolicy>;
  /** Where the hub's log lines go instead of stderr (tests read them); still leveled and redacted. */
  logWrite?: (line: string) => void;
}

export function limitsFromConfig(config: Config): Limits {
  return {
    tokenBudget: config.iteration.token_budget,
    maxCostUsd: config.safety.max_cost_usd,
    timeoutSeconds: config.iteration.timeout_seconds,
    warningRatio: config.safety.budget_warning_ratio,
    toolLoop: {
      warning: config.safety.tool_loop.warning,
      critical: config.safety.tool_loop.critical,
      circuitBreaker: config.safety.tool_loop.circuit_breaker,
    },
    abortOnRegression: config.safety.abort_on_regression,
    regressionThreshold: config.safety.regression_threshold,
    skipEvalConfidence: config.iteration.skip_eval_confidence,
  };
}

async function bind(providers: ProviderRegistry, ref: ModelRef): Promise<BoundModel> {
  return { provider: await providers.get(ref.provider), ref };
}

/** The task's command runner, or none (with the reason emitted once) when shell is refused for its origin. */
async function shellFor(hub: Hub, request: TaskRequest, emit: (body: TaskEventBody) => void) {
  const grants = request.options.grants;
  if (grants !== undefined && !grants.includes("shell")) return undefined;
  const decision = await hub.sandbox.decide(request.origin.kind);
  if (decision.kind === "refused") {
    hub.logger.warn(`task ${request.id}: ${decision.reason}`);
    emit({ type: "shell.refused", reason: decision.reason });
    return undefined;
  }
  const network = grants === undefined || grants.includes("network");
  return hub.sandbox.runner(decision, { workspace: request.workspace, network });
}

async function agentDeps(hub: Hub, request: TaskRequest, emit: (body: TaskEventBody) => void): Promise<AgentDeps> {
  const { config, paths, providers } = hub;
  const executorRef = await providers.resolveModel(request.options.model ?? config.models.executor);
  const roles = await providers.resolveRoles(executorRef);
  const { loadSkills, selectEvaluator, selectTaskSkills } = await import("./skills/index.js");
  const { runLint, runTests } = await import("./agent/checks.js");
  const { skills, warnings } = loadSkills({ workspace: request.workspace, home: paths.home, dataDir: paths.dataDir });
  for (const warning of warnings) hub.logger.warn(warning);
  const evaluator = selectEvaluator(skills, request.description);
  const timeoutMs = config.evaluation.test_timeout_seconds * 1000;
  // Running the project's tests or linter executes the workspace's code: only where shell commands are allowed, the same way.
  const run = await shellFor(hub, request, emit);
  const checks: AgentDeps["checks"] =
    config.evaluation.run_tests && run
      ? [
          (signal) => runTests(request.workspace, { run, signal, timeoutMs }),
          (signal) => runLint(request.workspace, config.evaluation.lint_command, { run, signal, timeoutMs }),
        ]
      : [];
  const held: HeldAction[] = [];
  const integrationTools = hub.integrations.flatMap((integration) =>
    integration.tools
      .filter((tool) => run || tool.class !== "shell")
      .map((tool): Tool => (integration.requirePassingScore && tool.class !== "read" ? holdUntilPassed(tool, held) : tool)),
  );
  return {
    executor: await bind(providers, roles.executor),
    evaluator: await bind(providers, roles.evaluator),
    planner: await bind(providers, roles.planner),
    price: (ref, usage) => providers.price(ref, usage),
    tools: [...builtinTools({ shellTimeoutSeconds: config.shell.timeout_seconds, run }), ...integrationTools],
    heldActions: () => held,
    rubric: { name: evaluator.name, body: evaluator.body, dimensions: evaluator.dimensions },
    guidance: selectTaskSkills(skills, request.description).map((s) => ({ name: s.name, body: s.body })),
    checks,
    limits: limitsFromConfig(config),
    toolOutputDir: paths.toolOutputDir,
    redact: hub.redactor.text,
  };
}

export interface WiredChannels {
  mounts: RouteMounter[];
  sinks: EventSink[];
  /** Each configured channel's state, by name. */
  health(): Record<string, ChannelHealth>;
  /** Connects the long-lived connections in the background (once the server listens); returns at once. */
  start(): void;
  stop(): Promise<void>;
}

async function wireChannels(hub: Hub, server: ServerHandle, retry: Partial<RetryPolicy>): Promise<WiredChannels> {
  const configs = hub.config.channels;
  const names = Object.keys(configs);
  if (names.length === 0) return { mounts: [], sinks: [], health: () => ({}), start() {}, stop: async () => {} };
  const { loadChannel } = await import("./channels/index.js");
  const { createChannelContext } = await import("./channels/context.js");
  const { createReplySink } = await import("./channels/reply-sink.js");
  const { failedChannel, superviseChannel } = await import("./channels/health.js");
  const workspace = resolve(hub.config.server.workspace ?? process.cwd());
  const defaults = { maxIterations: hub.config.iteration.max_iterations, qualityThreshold: hub.config.iteration.quality_threshold, workspace };
  const messageRate = createRateLimiter({ capacity: hub.config.limits.chat_messages_per_minute, windowMs: 60_000, now: hub.now });
  const contextFor = (channel: string, policy: Parameters<typeof createChannelContext>[0]["policy"]) =>
    createChannelContext({
      channel,
      policy,
      dataDir: hub.paths.dataDir,
      store: hub.store,
      logger: hub.logger,
      submit: server.submit,
      cancel: (taskId, reason) => server.cancel(taskId, reason) !== "not_cancellable",
      defaults,
      now: hub.now,
      messageRate,
    });
  const policy: RetryPolicy = {
    initialMs: hub.config.server.channel_retry_initial_ms,
    maxMs: hub.config.server.channel_retry_max_ms,
    ...retry,
  };
  const adapters: ChannelAdapter[] = [];
  const supervised = new Map<string, Supervised>();
  const now = retry.now ?? hub.now;
  for (const [name, raw] of Object.entries(configs)) {
    // One channel's invalid table marks that channel failed; the others and the API still start.
    const adapter = await loadChannel(name, raw, contextFor).catch((error: unknown) => {
      hub.logger.error(`channel ${name} failed (the rest of the hub runs): ${errorMessage(error)}`);
      supervised.set(name, failedChannel(error));
      return undefined;
    });
    if (adapter) adapters.push(adapter);
  }
  for (const adapter of adapters) if (adapter.prepare || adapter.finish) hub.taskHooks.set(adapter.name, adapter);
  const replies = adapters.map((a) => createReplySink({ channel: a.name, api: a.api, store: hub.store, logger: hub.logger }));
  const since = new Date(now()).toISOString();
  return {
    mounts: adapters.flatMap((a) => (a.mount ? [(app: Parameters<RouteMounter>[0]) => a.mount?.(app)] : [])),
    sinks: replies.map((r) => r.sink),
    health: () =>
      Object.fromEntries([
        ...adapters.filter((a) => !supervised.has(a.name)).map((a): [string, ChannelHealth] => [a.name, { state: "starting", since, failures: 0 }]),
        ...[...supervised].map(([name, s]): [string, ChannelHealth] => [name, s.health()]),
      ]),
    // Each on its own, in the background: a platform that is down never delays the API or another channel.
    start() {
      for (const adapter of adapters) {
        if (supervised.has(adapter.name)) continue;
        const start = adapter.start?.bind(adapter) ?? (async () => {});
        const stop = adapter.stop?.bind(adapter) ?? (async () => {});
        supervised.set(adapter.name, superviseChannel(adapter.name, { start, stop }, { policy, logger: hub.logger }));
      }
    },
    async stop() {
      await Promise.all(replies.map((r) => r.flush()));
      await Promise.all([...supervised.values()].map((s) => s.stop()));
    },
  };
}

export async function createHub(options: HubOptions = {}): Promise<Hub> {
  const env = options.env ?? process.env;
  const paths = resolvePaths(env);
  const config = options.config ?? (await loadConfig(paths.configFile, env));
  const redactor = createRedactor([...configSecrets(config), ...credentialSecrets({ config, paths, env })]);
  const logger = createLogger(parseLogLevel(env.OPENKOI_LOG_LEVEL, options.defaultLogLevel), options.logWrite, redactor);
  const providers = createProviderRegistry({ config, paths, env });
  const store = openStore(paths.database);
  const stateFiles = createStateFiles(paths.stateDir);
  const githubData = config.channels.github?.data_dir;
  const cloneRoot = join(typeof githubData === "string" ? resolve(githubData) : paths.dataDir, "workspaces");
  const sandbox = createSandbox({
    mode: config.shell.sandbox,
    bwrapPath: config.shell.bwrap_path,
    hidden: [env.HOME || homedir(), paths.home, paths.dataDir, cloneRoot, paths.configFile],
    cloneRoot,
    env: sanitizedEnv(),
    searchPath: env.PATH ?? process.env.PATH,
  });

  const hub: Hub = {
    config,
    paths,
    logger,
    redactor,
    providers,
    store,
    sandbox,
    integrations: Object.keys(config.integrations).length
      ? await (await import("./integrations/index.js")).loadIntegrations(config.integrations as Record<string, Record<string, unknown>>)
      : [],
    taskHooks: new Map(),
    now: options.now ?? Date.now,
    async runTask(request, sinks, signal) {
      const request_ = { ...redactRequest(redactor, request), workspace: resolve(request.workspace) };
      // The one place every event of a task passes: the store, the state files, SSE, webhooks and chat all get it redacted.
      const fanOut = createEmitter(request.id, [(e) => store.applyEvent(e), stateFiles.sink, ...sinks], store.getTask(request.id)?.lastSeq ?? 0, (error) =>
        logger.warn(`event sink failed: ${errorMessage(error)}`),
      );
      const emit = (body: TaskEventBody) => fanOut(redactor.value(body));
      const hooks = hub.taskHooks.get(request.origin.kind);
      const key = store.getTask(request.id)?.concurrencyKey;
      if (request.origin.thread && key && !request_.history) {
        const { threadHistory } = await import("./channels/context.js");
        request_.history = threadHistory(store, key);
      }
      let prepared = request_;
      let outcome: TaskEventBody;
      try {
        if (hooks?.prepare) prepared = await hooks.prepare(request_, signal);
        const deps = await agentDeps(hub, prepared, emit);
        outcome = await runAgent(prepared, deps, emit, signal);
      } catch (error) {
        // Stopped while preparing (e.g. cloning): report it as the stop it was, not as a failure.
        const reason = signal.reason instanceof Error ? signal.reason.message : "cancelled";
        outcome = signal.aborted
          ? { type: signal.reason instanceof InterruptedError ? "task.interrupted" : "task.cancelled", reason, iterations: 0, filesChanged: [] }
          : { type: "task.failed", code: error instanceof OpenKoiError ? error.code : "SETUP_FAILED", message: errorMessage(error) };
        emit(outcome);
      }
      // What the hooks post (a pull request) and the caller prints is what the events said.
      outcome = redactor.value(outcome);
      if (hooks?.finish) {
        const links = await hooks.finish(prepared, outcome).catch((error: unknown) => {
          logger.warn(`${request.origin.kind}: finishing task ${request.id} failed: ${errorMessage(error)}`);
          return undefined;
        });
        // Where the work ended up (a pull request): digests and the API show it.
        for (const [name, url] of Object.entries(links ?? {})) store.kvSet(`link:${request.id}:${name}`, url);
      }
      return outcome;
    },
    currentTask: () => readCurrentTask(paths.stateDir),
    wireChannels: (server) => wireChannels(hub, server, options.channelRetry ?? {}),
    close() {
      stateFiles.flush();
      store.close();
    },
  };
  return hub;
}
