import type { TaskEventBody } from "../core/events.js";
import type { ModelProvider, ModelRef, Usage } from "../core/model.js";
import type { TaskRequest } from "../core/task.js";
import type { Tool, ToolResult } from "../core/tool.js";
import type { Budget, Limits } from "./budget.js";
import type { CheckResult } from "./evaluate.js";
import type { FileHistory } from "./snapshots.js";

export interface BoundModel {
  provider: ModelProvider;
  ref: ModelRef;
}

export interface Rubric {
  name: string;
  body: string;
  dimensions: Array<{ name: string; weight: number; description?: string }>;
}

/** Everything the loop needs, already chosen by the hub: it never reads config, disk state or the network itself. */
export interface AgentDeps {
  executor: BoundModel;
  evaluator: BoundModel;
  planner: BoundModel;
  price(ref: ModelRef, usage: Usage): { costUsd: number; priced: boolean };
  tools: Tool[];
  rubric: Rubric;
  /** Task skills whose guidance goes into the executor's prompt. */
  guidance: Array<{ name: string; body: string }>;
  /** The project's own tests and linter, when the workspace has them. */
  checks: Array<(signal: AbortSignal) => Promise<CheckResult | undefined>>;
  limits: Limits;
  toolOutputDir: string;
  /** Replaces the hub's known secrets in tool and check output before the model or the disk sees it. */
  redact?: (text: string) => string;
  /** Write side effects held until the evaluator's score passes (require_passing_score); run just before completion. */
  heldActions?: () => HeldAction[];
}

export interface HeldAction {
  callId: string;
  name: string;
  input: unknown;
  run(): Promise<ToolResult>;
}

export interface RunContext {
  request: TaskRequest;
  deps: AgentDeps;
  emit: (body: TaskEventBody) => void;
  budget: Budget;
  signal: AbortSignal;
  /** Files as they were before the task and after each attempt (to return the best attempt's files). */
  files: FileHistory;
}

export type Role = "planner" | "executor" | "evaluator";
