import type Database from "better-sqlite3";
import { LimitExceededError, OpenKoiError } from "../core/errors.js";
import { isProcessAlive } from "../core/process.js";
import { FINAL_STATUSES, type TaskRequest, type TaskStatus } from "../core/task.js";
import { type Clock, createDeliveryLog } from "./deliveries.js";
import { createTaskInserter, IS_FINAL_SQL, rowToRequest, type TaskRow } from "./tasks.js";

export interface EnqueueOptions {
  /** Tasks sharing a key never run at the same time (e.g. one per chat thread or repository). */
  concurrencyKey?: string;
  /** Same key → the existing task, created=false. */
  idempotencyKey?: string;
  /** A platform delivery id, claimed in the same transaction as the task is stored. */
  deliveryKey?: string;
  /** Who queued it: an API token or client, a chat or GitHub user (counted against `maxQueued.perSubmitter`). */
  submitter?: string;
  /** Refuse (TOO_MANY_QUEUED) when this submitter, or this concurrency key (a chat thread), already has so many queued. */
  maxQueued?: { perSubmitter?: number; perThread?: number };
}

/** How long a refused submitter is told to wait: the queue drains at the pace of the agent, not of a clock. */
export const QUEUE_FULL_RETRY_MS = 30_000;

export interface TaskQueue {
  /** Durably stores a queued task before returning. A known id, idempotency key or delivery key → the existing task, created=false. */
  enqueue(request: TaskRequest, opts?: EnqueueOptions): { taskId: string; created: boolean };
  /** Atomically picks the oldest queued task whose concurrency key has no running task, marks it running (attempts+1, started_at). */
  claimNext(): TaskRequest | undefined;
  /** Sets a final status if the task is not already final; false when it was (or is unknown). */
  finish(taskId: string, status: TaskStatus, error?: { code: string; message: string }): boolean;
  /** Marks a queued task cancelled (it never runs). False if it was not queued. */
  cancelQueued(taskId: string): boolean;
  /** At startup: queue tasks left `running` by a crash are re-queued once (mode "retry", attempts < 2), else `interrupted`. */
  recover(mode: "retry" | "fail"): { requeued: string[]; interrupted: string[] };
  depth(): number;
  runningIds(): string[];
}

const MAX_ATTEMPTS = 2;

// A submitter's count is kept by triggers (migration 2), one key read; a thread's stops at the limit on
// tasks_concurrency. Neither grows with the history or with a submitter's backlog.
export const QUEUED_BY_SUBMITTER_SQL = "SELECT COALESCE((SELECT n FROM queued_counts WHERE submitter = ?), 0) AS n";
export const QUEUED_BY_KEY_SQL = "SELECT COUNT(*) AS n FROM (SELECT 1 FROM tasks WHERE concurrency_key = ? AND status = 'queued' LIMIT ?)";

function statements(db: Database.Database) {
  return {
    exists: db.prepare("SELECT 1 FROM tasks WHERE id = ?"),
    byIdempotency: db.prepare("SELECT id FROM tasks WHERE idempotency_key = ?"),
    next: db.prepare(`SELECT * FROM tasks AS t WHERE t.status = 'queued' AND (t.concurrency_key IS NULL OR NOT EXISTS
        (SELECT 1 FROM tasks AS r WHERE r.status = 'running' AND r.concurrency_key = t.concurrency_key))
      ORDER BY t.created_at, t.rowid LIMIT 1`),
    markRunning: db.prepare("UPDATE tasks SET status = 'running', attempts = attempts + 1, started_at = ? WHERE id = ?"),
    finish: db.prepare(`UPDATE tasks SET status = ?, finished_at = ?, error_code = COALESCE(?, error_code),
      error_message = COALESCE(?, error_message) WHERE id = ? AND NOT (${IS_FINAL_SQL})`),
    cancel: db.prepare(`UPDATE tasks SET status = 'cancelled', finished_at = ?, error_code = 'CANCELLED',
      error_message = 'Cancelled before it started' WHERE id = ? AND status = 'queued'`),
    running: db.prepare("SELECT id, attempts, runner, runner_pid FROM tasks WHERE status = 'running' ORDER BY started_at"),
    requeue: db.prepare("UPDATE tasks SET status = 'queued', started_at = NULL, phase = NULL WHERE id = ?"),
    interrupt: db.prepare(`UPDATE tasks SET status = 'interrupted', finished_at = ?, error_code = 'INTERRUPTED',
      error_message = ? WHERE id = ?`),
    depth: db.prepare("SELECT COUNT(*) AS n FROM tasks WHERE status = 'queued'"),
    queuedBySubmitter: db.prepare(QUEUED_BY_SUBMITTER_SQL),
    queuedByKey: db.prepare(QUEUED_BY_KEY_SQL),
  };
}

type Statements = ReturnType<typeof statements>;

function checkQueueLimits(s: Statements, request: TaskRequest, opts: EnqueueOptions): void {
  const { perSubmitter, perThread } = opts.maxQueued ?? {};
  const full = (stmt: Database.Statement, key: string, max: number, ...limit: number[]) => (stmt.get(key, ...limit) as { n: number }).n >= max;
  if (perSubmitter !== undefined && opts.submitter && full(s.queuedBySubmitter, opts.submitter, perSubmitter)) {
    const message = `You already have ${perSubmitter} tasks waiting (the limit is ${perSubmitter}, limits.max_queued_per_submitter); wait for some to start, then try again.`;
    throw new LimitExceededError("TOO_MANY_QUEUED", message, 429, QUEUE_FULL_RETRY_MS);
  }
  if (perThread !== undefined && request.origin.thread && opts.concurrencyKey && full(s.queuedByKey, opts.concurrencyKey, perThread, perThread)) {
    const message = `This thread already has ${perThread} tasks waiting (the limit is ${perThread}, limits.max_queued_per_thread); wait for some to start, then try again.`;
    throw new LimitExceededError("TOO_MANY_QUEUED", message, 429, QUEUE_FULL_RETRY_MS);
  }
}
type RunningRow = { id: string; attempts: number; runner: string; runner_pid: number | null };

function recoverRunning(s: Statements, now: Clock, mode: "retry" | "fail"): { requeued: string[]; interrupted: string[] } {
  const result = { requeued: [] as string[], interrupted: [] as string[] };
  for (const task of s.running.all() as RunningRow[]) {
    const direct = task.runner === "direct";
    // A CLI run in another live process is not a crash: leave it alone.
    if (direct && task.runner_pid !== null && isProcessAlive(task.runner_pid)) continue;
    if (!direct && mode === "retry" && task.attempts < MAX_ATTEMPTS) {
      s.requeue.run(task.id);
      result.requeued.push(task.id);
      continue;
    }
    const message = `openkoi stopped while this task was running (attempt ${task.attempts}): run it again to retry`;
    s.interrupt.run(now().toISOString(), message, task.id);
    result.interrupted.push(task.id);
  }
  return result;
}

export function createTaskQueue(db: Database.Database, now: Clock): TaskQueue {
  const s = statements(db);
  const insert = createTaskInserter(db);
  const deliveries = createDeliveryLog(db, now);

  const enqueue = db.transaction((request: TaskRequest, opts: EnqueueOptions) => {
    const known = opts.idempotencyKey ? (s.byIdempotency.get(opts.idempotencyKey) as { id: string } | undefined) : undefined;
    if (known) return { taskId: known.id, created: false };
    if (s.exists.get(request.id)) return { taskId: request.id, created: false };
    if (opts.deliveryKey && !deliveries.claim(opts.deliveryKey, request.id)) {
      return { taskId: deliveries.taskOf(opts.deliveryKey) ?? request.id, created: false };
    }
    // After the duplicate checks (a redelivery is a duplicate, not a new task); throwing rolls the claim back.
    checkQueueLimits(s, request, opts);
    const { concurrencyKey, idempotencyKey, submitter } = opts;
    insert(request, { status: "queued", runner: "queue", at: now().toISOString(), concurrencyKey, idempotencyKey, submitter });
    return { taskId: request.id, created: true };
  });

  const claimNext = db.transaction((): TaskRequest | undefined => {
    const row = s.next.get() as TaskRow | undefined;
    if (!row) return undefined;
    s.markRunning.run(now().toISOString(), row.id);
    return rowToRequest(row);
  });

  const recover = db.transaction((mode: "retry" | "fail") => recoverRunning(s, now, mode));

  return {
    enqueue: (request, opts = {}) => enqueue.immediate(request, opts),
    claimNext: () => claimNext.immediate(),
    finish(taskId, status, error) {
      if (!FINAL_STATUSES.includes(status)) {
        throw new OpenKoiError("INVALID_STATUS", `finish() takes a final status (${FINAL_STATUSES.join(", ")}), not "${status}"`);
      }
      return s.finish.run(status, now().toISOString(), error?.code ?? null, error?.message ?? null, taskId).changes === 1;
    },
    cancelQueued: (taskId) => s.cancel.run(now().toISOString(), taskId).changes === 1,
    recover: (mode) => recover.immediate(mode),
    depth: () => (s.depth.get() as { n: number }).n,
    runningIds: () => (s.running.all() as RunningRow[]).map((row) => row.id),
  };
}
