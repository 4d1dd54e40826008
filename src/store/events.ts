import type Database from "better-sqlite3";
import { NotFoundError } from "../core/errors.js";
import type { EventOf, TaskEvent } from "../core/events.js";
import { IS_FINAL_SQL, parseJson } from "./tasks.js";
import { createUsageWriter } from "./usage.js";

/** Sets `status` to the given value unless the task already reached a final status (a late event never reopens it). */
const GUARDED_STATUS = `status = CASE WHEN ${IS_FINAL_SQL} THEN status ELSE @status END`;

function statements(db: Database.Database) {
  return {
    files: db.prepare("SELECT files_changed_json FROM tasks WHERE id = ?"),
    insertEvent: db.prepare("INSERT OR IGNORE INTO task_events (task_id, seq, type, at, data_json) VALUES (?, ?, ?, ?, ?)"),
    started: db.prepare(`UPDATE tasks SET ${GUARDED_STATUS}, model = @model, phase = 'plan',
      started_at = COALESCE(started_at, @at) WHERE id = @id`),
    phase: db.prepare("UPDATE tasks SET phase = ? WHERE id = ?"),
    iteration: db.prepare("UPDATE tasks SET phase = 'execute', iterations = MAX(iterations, ?) WHERE id = ?"),
    evalIteration: db.prepare(`INSERT INTO task_iterations (task_id, iteration, score, dimensions_json) VALUES (?, ?, ?, ?)
      ON CONFLICT (task_id, iteration) DO UPDATE SET score = excluded.score, dimensions_json = excluded.dimensions_json`),
    clearFindings: db.prepare("DELETE FROM findings WHERE task_id = ? AND iteration = ?"),
    finding: db.prepare(`INSERT INTO findings (task_id, iteration, finding_id, severity, dimension, title, description, fix)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    doneIteration: db.prepare(`INSERT INTO task_iterations (task_id, iteration, score, decision, duration_ms, cost_usd)
      VALUES (@id, @iteration, @score, @decision, @durationMs, @costUsd)
      ON CONFLICT (task_id, iteration) DO UPDATE SET score = excluded.score, decision = excluded.decision,
      duration_ms = excluded.duration_ms, cost_usd = excluded.cost_usd`),
    scored: db.prepare(`UPDATE tasks SET score = @score, best_score = MAX(COALESCE(best_score, @score), @score),
      decision = @decision WHERE id = @id`),
    setFiles: db.prepare("UPDATE tasks SET files_changed_json = ? WHERE id = ?"),
    completed: db.prepare(`UPDATE tasks SET ${GUARDED_STATUS}, finished_at = COALESCE(finished_at, @at), output = @output,
      score = @score, best_score = MAX(COALESCE(best_score, @score), @score), iterations = @iterations,
      decision = @decision, cost_usd = @costUsd, tokens = @tokens WHERE id = @id`),
    ended: db.prepare(`UPDATE tasks SET ${GUARDED_STATUS}, finished_at = COALESCE(finished_at, @at),
      error_code = @code, error_message = @message, iterations = MAX(iterations, @iterations) WHERE id = @id`),
    usage: createUsageWriter(db),
  };
}

type Statements = ReturnType<typeof statements>;

function mergeFiles(s: Statements, taskId: string, files: string[]): void {
  if (files.length === 0) return;
  const row = s.files.get(taskId) as { files_changed_json: string };
  const merged = new Set([...parseJson<string[]>(row.files_changed_json, []), ...files]);
  s.setFiles.run(JSON.stringify([...merged]), taskId);
}

function evalDone(s: Statements, e: EventOf<"eval.done">): void {
  s.evalIteration.run(e.taskId, e.iteration, e.score, JSON.stringify(e.dimensions));
  s.clearFindings.run(e.taskId, e.iteration);
  for (const f of e.findings) {
    s.finding.run(e.taskId, e.iteration, f.id, f.severity, f.dimension, f.title, f.description, f.fix ?? null);
  }
  s.phase.run("evaluate", e.taskId);
}

function iterationDone(s: Statements, e: EventOf<"iteration.done">): void {
  const row = { id: e.taskId, iteration: e.iteration, score: e.score, decision: e.decision };
  s.doneIteration.run({ ...row, durationMs: e.durationMs, costUsd: e.costUsd });
  s.scored.run({ id: e.taskId, score: e.score, decision: e.decision });
}

function completed(s: Statements, e: EventOf<"task.completed">): void {
  const { taskId: id, at, output, score, iterations, decision, costUsd, tokens } = e;
  s.completed.run({ id, at, output, score, iterations, decision, costUsd, tokens, status: "completed" });
  mergeFiles(s, id, e.filesChanged);
}

type StoppedEvent = EventOf<"task.cancelled"> | EventOf<"task.interrupted">;

function ended(s: Statements, e: EventOf<"task.failed"> | StoppedEvent): void {
  const base = { id: e.taskId, at: e.at };
  if (e.type === "task.failed") {
    s.ended.run({ ...base, code: e.code, message: e.message, iterations: 0, status: "failed" });
    return;
  }
  const status = e.type === "task.cancelled" ? "cancelled" : "interrupted";
  s.ended.run({ ...base, code: status.toUpperCase(), message: e.reason, iterations: e.iterations, status });
  mergeFiles(s, e.taskId, e.filesChanged);
}

function project(s: Statements, e: TaskEvent) {
  switch (e.type) {
    case "task.started":
      return void s.started.run({ id: e.taskId, model: e.model, at: e.at, status: "running" });
    case "plan.ready":
      return void s.phase.run("plan", e.taskId);
    case "iteration.started":
      return void s.iteration.run(e.iteration, e.taskId);
    case "tool.result":
      return mergeFiles(s, e.taskId, e.filesChanged);
    case "eval.done":
      return evalDone(s, e);
    case "iteration.done":
      return iterationDone(s, e);
    case "refine.started":
      return void s.phase.run("refine", e.taskId);
    case "usage.recorded":
      return s.usage(e);
    case "task.completed":
      return completed(s, e);
    case "task.failed":
    case "task.cancelled":
    case "task.interrupted":
      return ended(s, e);
    default:
      return undefined;
  }
}

export interface Projection {
  apply(event: TaskEvent): void;
  events(taskId: string, afterSeq?: number): TaskEvent[];
}

/** The store as a projection of the TaskEvent stream: one transaction per event, idempotent per (taskId, seq). */
export function createProjection(db: Database.Database): Projection {
  const s = statements(db);
  const replay = db.prepare("SELECT data_json FROM task_events WHERE task_id = ? AND seq > ? ORDER BY seq");
  const apply = db.transaction((event: TaskEvent) => {
    if (!s.files.get(event.taskId)) {
      throw new NotFoundError(`Task ${event.taskId} is not in the store: enqueue it or call startTask before emitting its events`);
    }
    const stored = s.insertEvent.run(event.taskId, event.seq, event.type, event.at, JSON.stringify(event));
    if (stored.changes === 0) return;
    project(s, event);
  });
  return {
    apply: (event) => apply.immediate(event),
    events: (taskId, afterSeq = 0) => (replay.all(taskId, afterSeq) as Array<{ data_json: string }>).map((row) => JSON.parse(row.data_json) as TaskEvent),
  };
}
