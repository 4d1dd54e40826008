/** The hub's HTTP app in process (Hono's `app.request()`), over a real in-memory store, bus, intake and runner. */
import { configSchema } from "../../src/config/schema.js";
import { createLogger, type Logger } from "../../src/core/logger.js";
import { createRedactor } from "../../src/core/redact.js";
import { createApp, type RouteMounter } from "../../src/server/app.js";
import { createEventBus } from "../../src/server/bus.js";
import { createIntake } from "../../src/server/intake.js";
import { createRunner } from "../../src/server/runner.js";
import { openStore, type Store } from "../../src/store/index.js";
import { tickingClock } from "../store/helpers.js";
import { tempDir } from "./cli.js";

export interface AppHarness {
  store: Store;
  workspace: string;
  request(path: string, init?: RequestInit): Promise<Response>;
  /** POSTs a JSON body (a string is sent as it is). */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

export interface AppHarnessOptions {
  token?: string;
  /** Tasks the runner may hold at once; 0 (the default) leaves every task queued. */
  concurrency?: number;
  /** Extra routes (as channels mount them). */
  mounts?: RouteMounter[];
  /** Where the app logs (a test reads what it logged); silent by default. */
  logger?: Logger;
}

export function startAppHarness(options: AppHarnessOptions = {}): AppHarness {
  // Stored times one second apart, so the newest-first order (and its cursor) is deterministic.
  const store = openStore(":memory:", { now: tickingClock() });
  const bus = createEventBus();
  const workspace = tempDir("api-ws");
  // A claimed task "runs" until it is cancelled: the routes see running tasks without an agent or a model.
  const runner = createRunner({
    queue: store.queue,
    concurrency: options.concurrency ?? 0,
    keyOf: (id) => store.getTask(id)?.concurrencyKey,
    run: (_request, signal) => new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true })),
    logger: createLogger("silent"),
  });
  // Every limit and bound at its configured default, so the routes see what a fresh hub sees.
  const { api, limits } = configSchema.parse({});
  const intakeLimits = {
    maxDescriptionChars: limits.max_description_chars,
    maxQueuedPerSubmitter: limits.max_queued_per_submitter,
    maxQueuedPerThread: limits.max_queued_per_thread,
  };
  const { submit, cancel } = createIntake(store, runner, [bus.publish], intakeLimits, createRedactor([]));
  const app = createApp(
    {
      version: "0.0.0-test",
      startedAt: Date.now(),
      token: options.token,
      store,
      runner,
      bus,
      submit,
      defaults: { maxIterations: 3, qualityThreshold: 0.8, workspace },
      allowedWorkspaces: [workspace],
      models: { executor: "openai/gpt-4.1" },
      currentTask: () => undefined,
      cancel,
      logger: options.logger ?? createLogger("silent"),
      grants: api.grants,
      metadataLimits: { maxDepth: api.metadata_max_depth, maxBytes: api.metadata_max_bytes },
      listDescriptionChars: limits.list_description_chars,
      channelHealth: () => ({}),
    },
    options.mounts,
  );
  const request = async (path: string, init?: RequestInit) => app.request(path, init);
  return {
    store,
    workspace,
    request,
    post: (path, body, headers = {}) =>
      request(path, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    async close() {
      await runner.stop(0);
      store.close();
    },
  };
}
