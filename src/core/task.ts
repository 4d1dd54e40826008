import type { ToolClass } from "./tool.js";

/** Who submitted a task: "cli", "api", or the name of the channel it came from (an open set: a new channel adds no word here). */
export type OriginKind = string;

/** Where to answer: a plain, serialisable pointer to a chat thread (never a live request context). */
export interface ThreadRef {
  channel: string;
  conversation: string;
  thread?: string;
  extra?: Record<string, string>;
}

export interface Origin {
  kind: OriginKind;
  user?: string;
  thread?: ThreadRef;
}

export interface Budgets {
  tokenBudget: number;
  maxCostUsd: number;
  timeoutSeconds: number;
}

export interface TaskOptions {
  maxIterations: number;
  qualityThreshold: number;
  /** `provider/model`; the hub's default when absent. */
  model?: string;
  budgets?: Partial<Budgets>;
  /** Tool classes granted; all when absent (CLI and API). */
  grants?: ToolClass[];
}

export interface TaskRequest {
  id: string;
  description: string;
  options: TaskOptions;
  origin: Origin;
  workspace: string;
  /** Earlier conversation in the thread, already bounded. */
  history?: string;
  metadata?: Record<string, unknown>;
}

export type TaskStatus = "queued" | "running" | "completed" | "failed" | "cancelled" | "interrupted";

export const FINAL_STATUSES: readonly TaskStatus[] = ["completed", "failed", "cancelled", "interrupted"];
