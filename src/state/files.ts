import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { EventSink, TaskEvent } from "../core/events.js";
import { writeFileAtomic } from "../core/fs.js";

/** The original's current-task.json fields, kept so external tools reading it keep working. */
export interface CurrentTaskState {
  task_id: string;
  description: string;
  status: string;
  phase: string;
  iteration: number;
  max_iterations: number;
  current_score: number;
  best_score: number;
  cost_usd: number;
  tokens_used: number;
  started_at: string;
  elapsed_secs: number;
  last_decision: string;
  tool_calls: string[];
  updated_at: string;
}

export interface HistoryEntry {
  task_id: string;
  description: string;
  status: string;
  iterations: number;
  total_tokens: number;
  cost_usd: number;
  final_score: number;
  completed_at: string;
}

const MAX_HISTORY_BYTES = 1024 * 1024;
const MAX_HISTORY_LINES = 1000;
const KEEP_HISTORY_LINES = 500;

export function currentTaskFile(stateDir: string): string {
  return join(stateDir, "current-task.json");
}

export function historyFile(stateDir: string): string {
  return join(stateDir, "task-history.jsonl");
}

/** Appends to the history, rotating (keep the last 500) past 1 MiB or 1,000 lines; `lines` caches the count. */
function appendHistory(stateDir: string, entry: HistoryEntry, lines: { count?: number }): void {
  const file = historyFile(stateDir);
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  if (lines.count === undefined) {
    lines.count = existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).length : 0;
    // Task descriptions are private: a history left 0644 by an older openkoi is closed once per process.
    if (existsSync(file)) chmodSync(file, 0o600);
  }
  if (lines.count >= MAX_HISTORY_LINES || (existsSync(file) && statSync(file).size > MAX_HISTORY_BYTES)) {
    const kept = readFileSync(file, "utf8").split("\n").filter(Boolean).slice(-KEEP_HISTORY_LINES);
    writeFileAtomic(file, `${kept.join("\n")}\n`, 0o600);
    lines.count = kept.length;
  }
  appendFileSync(file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  lines.count += 1;
}

function reduce(state: CurrentTaskState, event: TaskEvent): void {
  switch (event.type) {
    case "task.started":
      state.max_iterations = event.maxIterations;
      state.status = "running";
      return;
    case "plan.ready":
      state.phase = "plan";
      return;
    case "iteration.started":
      Object.assign(state, { iteration: event.iteration, max_iterations: event.maxIterations, phase: "executing" });
      return;
    case "tool.called":
      if (!state.tool_calls.includes(event.name)) state.tool_calls.push(event.name);
      return;
    case "eval.done":
      Object.assign(state, { current_score: event.score, best_score: Math.max(state.best_score, event.score), phase: "evaluated" });
      return;
    case "iteration.done":
      state.last_decision = event.decision;
      return;
    case "refine.started":
      state.phase = "refining";
      return;
    case "usage.recorded":
      state.cost_usd += event.costUsd;
      state.tokens_used += event.inputTokens + event.outputTokens;
      return;
    case "budget.warning":
      state.phase = "safety_warning";
      return;
    case "task.completed":
      Object.assign(state, { status: "completed", phase: "complete", last_decision: event.decision, best_score: event.score });
      return;
    case "task.failed":
      Object.assign(state, { status: "failed", phase: "complete", last_decision: event.code.toLowerCase() });
      return;
    case "task.cancelled":
    case "task.interrupted":
      Object.assign(state, { status: event.type === "task.cancelled" ? "cancelled" : "interrupted", phase: "complete", last_decision: event.type.slice(5) });
      return;
  }
}

/**
 * A sink that keeps `state/current-task.json` current and appends finished tasks to the history.
 * Rewrites are atomic and coalesced (at most one per `intervalMs`, the latest state wins) so a busy hub
 * is not bound by file renames; `flush()` writes what is pending (on exit).
 */
export function createStateFiles(stateDir: string, intervalMs = 200): { sink: EventSink; flush(): void } {
  const states = new Map<string, CurrentTaskState>();
  const history: { count?: number } = {};
  let pending: CurrentTaskState | undefined;
  let timer: NodeJS.Timeout | undefined;
  const write = (state: CurrentTaskState) => writeFileAtomic(currentTaskFile(stateDir), `${JSON.stringify(state, null, 2)}\n`, 0o600);
  const flush = () => {
    timer = undefined;
    if (pending) write(pending);
    pending = undefined;
  };
  const sink: EventSink = (event) => {
    let state = states.get(event.taskId);
    if (!state) {
      state = {
        task_id: event.taskId,
        description: "description" in event ? event.description : "",
        status: "pending",
        phase: "plan",
        iteration: 0,
        max_iterations: 0,
        current_score: 0,
        best_score: 0,
        cost_usd: 0,
        tokens_used: 0,
        started_at: event.at,
        elapsed_secs: 0,
        last_decision: "pending",
        tool_calls: [],
        updated_at: event.at,
      };
      states.set(event.taskId, state);
    }
    reduce(state, event);
    state.updated_at = event.at;
    state.elapsed_secs = Math.round((Date.parse(event.at) - Date.parse(state.started_at)) / 1000);
    pending = state;
    timer ??= setTimeout(flush, intervalMs);
    timer.unref();
    if (state.phase !== "complete") return;
    states.delete(event.taskId);
    const entry: HistoryEntry = {
      task_id: state.task_id,
      description: state.description,
      status: state.status,
      iterations: state.iteration,
      total_tokens: state.tokens_used,
      cost_usd: state.cost_usd,
      final_score: state.best_score,
      completed_at: event.at,
    };
    appendHistory(stateDir, entry, history);
  };
  return {
    sink,
    flush() {
      if (timer) clearTimeout(timer);
      flush();
    },
  };
}

export function readCurrentTask(stateDir: string): CurrentTaskState | undefined {
  try {
    return JSON.parse(readFileSync(currentTaskFile(stateDir), "utf8")) as CurrentTaskState;
  } catch {
    return undefined;
  }
}

/** The newest entries, oldest first: the last `last`, plus any older ones completed since `since`. */
export function readHistory(stateDir: string, last = 5, since?: Date): HistoryEntry[] {
  let lines: string[];
  try {
    lines = readFileSync(historyFile(stateDir), "utf8").split("\n").filter(Boolean);
  } catch {
    return [];
  }
  const entries: HistoryEntry[] = [];
  // Newest last in the file: parse backwards and stop as soon as nothing more is wanted.
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      const entry = JSON.parse(lines[i] as string) as HistoryEntry;
      if (entries.length >= last && (!since || Date.parse(entry.completed_at) < since.getTime())) break;
      entries.push(entry);
    } catch {
      // A torn last line after a crash: skip it.
    }
  }
  return entries.reverse();
}
