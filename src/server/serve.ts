import { resolve } from "node:path";
import type { ServerType } from "@hono/node-server";
import type { Hono } from "hono";
import type { ChannelHealth } from "../channels/health.js";
import { ConfigError, errorMessage } from "../core/errors.js";
import type { EventSink } from "../core/events.js";
import type { Logger } from "../core/logger.js";
import { createRateLimiter } from "../core/rate-limiter.js";
import type { TaskRequest } from "../core/task.js";
import { packageVersion } from "../core/version.js";
import type { Hub } from "../hub.js";
import type { EnqueueOptions } from "../store/index.js";
import { createApp, type RouteMounter } from "./app.js";
import { createEventBus, type EventBus } from "./bus.js";
import { createIntake } from "./intake.js";
import { createRunner, type Runner } from "./runner.js";
import { createWebhookSink, type WebhookOptions } from "./webhooks.js";

export interface RunningServer {
  url: string;
  /** The HTTP app itself: tests send thousands of requests in-process with `app.request()`. */
  app: Hono;
  port: number;
  bus: EventBus;
  runner: Runner;
  submit: ServerHandle["submit"];
  cancel: ServerHandle["cancel"];
  /** Graceful stop: no new requests, running tasks get `graceMs` to finish, then are interrupted. */
  close(graceMs?: number): Promise<void>;
}

/** What channel adapters get from the running server to feed it and stop tasks. */
export interface ServerHandle {
  /** Resolves once the task is durably stored (group-committed with whatever else arrived in the same tick). */
  submit(request: TaskRequest, options?: EnqueueOptions): Promise<{ taskId: string; created: boolean }>;
  cancel(taskId: string, reason: string): "cancelling" | "cancelled" | "not_cancellable";
}

export interface ServeOptions {
  port?: number;
  host?: string;
  webhookOptions?: WebhookOptions;
  /** Wires channel adapters once the server can take tasks: their routes, live sinks and a stop hook. */
  wireChannels?: (
    server: ServerHandle,
  ) => Promise<{ mounts: RouteMounter[]; sinks: EventSink[]; health?(): Record<string, ChannelHealth>; start?(): void; stop(): Promise<void> }>;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

/** One log line per task start and end, for operators reading the hub's stderr. */
function lifecycleLog(logger: Logger): EventSink {
  return (e) => {
    const id = e.taskId.slice(0, 8);
    if (e.type === "task.started") logger.info(`task ${id} started: ${e.description.split("\n")[0]?.slice(0, 80)} (${e.model})`);
    else if (e.type === "task.completed")
      logger.info(
        `task ${id} ${e.passed ? "passed" : "finished below the threshold"}: score ${e.score.toFixed(2)}, ${e.iterations} iteration(s), $${e.costUsd.toFixed(4)}, ${(e.durationMs / 1000).toFixed(1)}s`,
      );
    else if (e.type === "task.failed") logger.warn(`task ${id} failed: ${e.message}`);
    else if (e.type === "task.cancelled" || e.type === "task.interrupted") logger.info(`task ${id} ${e.type.slice(5)}: ${e.reason}`);
  };
}

/** Starts the hub: recovers the durable queue, runs the worker pool, serves the API on 127.0.0.1:9742 by default. */
export async function startServer(hub: Hub, options: ServeOptions = {}): Promise<RunningServer> {
  const { config, store, logger } = hub;
  const host = options.host ?? config.api.host;
  if (!LOOPBACK.has(host) && !config.api.token) {
    throw new ConfigError(`Refusing to listen on ${host} without a token`, [
      `api.host: binding to a non-loopback address (${host}) needs api.token set, or anyone on the network could run tasks`,
    ]);
  }
  store.checkpointInBackground();
  const recovered = store.queue.recover(config.server.on_restart);
  if (recovered.requeued.length || recovered.interrupted.length) {
    logger.warn(`recovered after restart: ${recovered.requeued.length} task(s) re-queued, ${recovered.interrupted.length} marked interrupted`);
  }
  const bus = createEventBus();
  const webhooks = createWebhookSink(config.api.webhooks, store.webhookDeliveries, logger, { ...options.webhookOptions, redact: hub.redactor.text });
  const sinks: EventSink[] = [bus.publish, webhooks.sink, lifecycleLog(logger)];
  const resent = webhooks.resendPending();
  if (resent) logger.info(`re-sending ${resent} webhook deliveries cut short by the last shutdown`);
  const runner = createRunner({
    queue: store.queue,
    concurrency: config.server.concurrency,
    keyOf: (taskId) => store.getTask(taskId)?.concurrencyKey,
    run: (request, signal) => hub.runTask(request, sinks, signal),
    logger,
  });
  const { limits } = config;
  const { submit, cancel } = createIntake(
    store,
    runner,
    sinks,
    {
      maxDescriptionChars: limits.max_description_chars,
      maxQueuedPerSubmitter: limits.max_queued_per_submitter,
      maxQueuedPerThread: limits.max_queued_per_thread,
    },
    hub.redactor,
  );
  const channels = options.wireChannels ? await options.wireChannels({ submit, cancel }) : { mounts: [], sinks: [], stop: async () => {} };
  sinks.push(...channels.sinks);
  const workspace = resolve(config.server.workspace ?? process.cwd());
  const app = createApp(
    {
      version: packageVersion(),
      logger,
      startedAt: Date.now(),
      token: config.api.token,
      store,
      runner,
      bus,
      submit,
      defaults: { maxIterations: config.iteration.max_iterations, qualityThreshold: config.iteration.quality_threshold, workspace },
      grants: config.api.grants,
      metadataLimits: { maxDepth: config.api.metadata_max_depth, maxBytes: config.api.metadata_max_bytes },
      allowedWorkspaces: [workspace, ...config.api.workspaces.map((w) => resolve(w))],
      models: { executor: config.models.executor, evaluator: config.models.evaluator, planner: config.models.planner },
      currentTask: hub.currentTask,
      channelHealth: () => channels.health?.() ?? {},
      cancel,
      apiRate: createRateLimiter({ capacity: limits.api_requests_per_minute, windowMs: 60_000, now: hub.now }),
      listDescriptionChars: limits.list_description_chars,
    },
    channels.mounts,
  );
  const { serve } = await import("@hono/node-server");
  const server = await new Promise<ServerType>((resolveServer, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port: options.port ?? config.api.port }, () => resolveServer(s));
    s.once("error", (error) => reject(new ConfigError(`Cannot listen on ${host}:${options.port ?? config.api.port}: ${errorMessage(error)}`)));
  }).catch(async (error: unknown) => {
    // Connections already open (Discord's gateway, Socket Mode, polling) would keep a process that never listens alive.
    await runner.stop(0);
    await channels.stop();
    throw error;
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : (options.port ?? config.api.port);
  // Only a hub that listens connects to the platforms, so a fatal start-up error leaves nothing open.
  channels.start?.();
  runner.notify();
  return {
    app,
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    bus,
    runner,
    submit,
    cancel,
    async close(graceMs = 10_000) {
      await new Promise<void>((r) => {
        server.close(() => r());
        if ("closeIdleConnections" in server) server.closeIdleConnections();
        setTimeout(() => ("closeAllConnections" in server ? server.closeAllConnections() : undefined), 1000).unref();
      });
      await runner.stop(graceMs);
      await channels.stop();
      await webhooks.flush();
    },
  };
}
