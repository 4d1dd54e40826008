import type { ChannelHealth } from "../channels/health.js";
import type { Logger } from "../core/logger.js";
import type { RateLimiter } from "../core/rate-limiter.js";
import type { TaskRequest } from "../core/task.js";
import type { ToolClass } from "../core/tool.js";
import type { EnqueueOptions, Store } from "../store/index.js";
import type { EventBus } from "./bus.js";
import type { MetadataLimits } from "./metadata.js";
import type { Runner } from "./runner.js";

/** What the HTTP app needs from the hub; the server never reaches concrete adapters itself. */
export interface AppDeps {
  version: string;
  /** 5xx responses are logged here with their stack and request id. */
  logger: Logger;
  startedAt: number;
  token: string | undefined;
  store: Store;
  runner: Runner;
  bus: EventBus;
  /** Durably enqueues and wakes the runner; the one way any origin submits a task. */
  submit(request: TaskRequest, options?: EnqueueOptions): Promise<{ taskId: string; created: boolean }>;
  /** Defaults for new API tasks. */
  defaults: { maxIterations: number; qualityThreshold: number; workspace: string };
  /** Tool classes API tasks get ([api].grants); a request may only narrow them. */
  grants: ToolClass[];
  /** Bounds on a new task's `metadata`. */
  metadataLimits: MetadataLimits;
  /** Resolved, absolute directories an API client may name as `workspace`. */
  allowedWorkspaces: string[];
  models: Record<string, string | undefined>;
  currentTask(): unknown;
  /** Requests per client ([limits].api_requests_per_minute); unlimited when absent. */
  apiRate?: RateLimiter;
  /** [limits].list_description_chars: listings cut longer descriptions. */
  listDescriptionChars: number;
  /** Each configured chat channel's state (starting / ok / degraded / failed), by name. */
  channelHealth(): Record<string, ChannelHealth>;
  /** Cancels a running (here) or queued task; "not_cancellable" when it runs in another process. */
  cancel(taskId: string, reason: string): "cancelling" | "cancelled" | "not_cancellable";
}
