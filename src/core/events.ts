/** Everything the loop does is a TaskEvent; every view (CLI, store, SSE, chat, webhooks, state files) subscribes. */
export type Severity = "blocker" | "important" | "suggestion";

export interface Finding {
  id: string;
  severity: Severity;
  dimension: string;
  title: string;
  description: string;
  fix?: string;
}

export interface DimensionScore {
  dimension: string;
  /** 0–1 */
  score: number;
  weight: number;
}

export interface Plan {
  steps: string[];
  files: string[];
}

export type Decision = "continue" | "accept" | "accept_best" | "skip_eval" | "abort_budget" | "abort_timeout" | "abort_regression" | "abort_tool_loop";

export type Phase = "plan" | "execute" | "evaluate" | "refine";

export type TaskEventBody =
  | { type: "task.queued"; description: string }
  | { type: "task.started"; description: string; model: string; maxIterations: number; qualityThreshold: number; workspace: string }
  | { type: "plan.ready"; plan: Plan }
  | { type: "iteration.started"; iteration: number; maxIterations: number }
  | { type: "tool.called"; iteration: number; callId: string; name: string; input: unknown }
  | { type: "tool.result"; iteration: number; callId: string; name: string; output: string; isError: boolean; filesChanged: string[] }
  | { type: "eval.done"; iteration: number; score: number; dimensions: DimensionScore[]; findings: Finding[]; evaluator: string; incremental: boolean }
  | { type: "eval.skipped"; iteration: number; reason: string }
  | { type: "iteration.done"; iteration: number; score: number; decision: Decision; durationMs: number; costUsd: number }
  | { type: "refine.started"; iteration: number; feedback: string }
  | { type: "usage.recorded"; phase: Phase; provider: string; model: string; inputTokens: number; outputTokens: number; costUsd: number; priced: boolean }
  | { type: "shell.refused"; reason: string }
  | { type: "budget.warning"; kind: "cost" | "tokens" | "time" | "tool_loop"; used: number; limit: number; message: string }
  | {
      type: "task.completed";
      output: string;
      score: number;
      iterations: number;
      decision: Decision;
      filesChanged: string[];
      costUsd: number;
      tokens: number;
      durationMs: number;
      passed: boolean;
      dimensions: DimensionScore[];
    }
  | { type: "task.failed"; code: string; message: string }
  | { type: "task.cancelled"; reason: string; iterations: number; filesChanged: string[] }
  | { type: "task.interrupted"; reason: string; iterations: number; filesChanged: string[] };

export type TaskEventType = TaskEventBody["type"];

export type TaskEvent = TaskEventBody & { taskId: string; seq: number; at: string };

export type EventOf<T extends TaskEventType> = Extract<TaskEvent, { type: T }>;

export type EventSink = (event: TaskEvent) => void;

export const TERMINAL_EVENTS: readonly TaskEventType[] = ["task.completed", "task.failed", "task.cancelled", "task.interrupted"];

export function isTerminal(event: TaskEvent): boolean {
  return TERMINAL_EVENTS.includes(event.type);
}

/** Stamps sequence numbers and times, then fans an event out to every sink; a failing sink never breaks the loop. */
export function createEmitter(taskId: string, sinks: EventSink[], startSeq = 0, onSinkError?: (error: unknown) => void) {
  let seq = startSeq;
  return (body: TaskEventBody): TaskEvent => {
    seq += 1;
    const event = { ...body, taskId, seq, at: new Date().toISOString() } as TaskEvent;
    for (const sink of sinks) {
      try {
        sink(event);
      } catch (error) {
        onSinkError?.(error);
      }
    }
    return event;
  };
}
