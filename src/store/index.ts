import { Worker } from "node:worker_threads";
import type Database from "better-sqlite3";
import type { TaskEvent } from "../core/events.js";
import type { TaskRequest } from "../core/task.js";
import { openDatabase } from "./db.js";
import { type Clock, createDeliveryLog, createWebhookDeliveries, type WebhookDeliveries } from "./deliveries.js";
import { createProjection } from "./events.js";
import { createTaskQueue, type TaskQueue } from "./queue.js";
import { createKv, createReplyRefs } from "./state.js";
import { createTaskInserter, createTaskReader, type TaskDetail, type TaskListQuery, type TaskRecord } from "./tasks.js";
import { createThreadQueries, type ThreadQueries } from "./threads.js";
import { type CostSummary, createCostSummary } from "./usage.js";

export { openDatabase } from "./db.js";
export type { WebhookDeliveries, WebhookDelivery, WebhookStatus } from "./deliveries.js";
export type { EnqueueOptions, TaskQueue } from "./queue.js";
export type { FindingRecord, IterationRecord, TaskDetail, TaskListQuery, TaskRecord, TaskTimings } from "./tasks.js";
export type { ThreadQueries } from "./threads.js";
export type { CostSummary } from "./usage.js";

export interface Store {
  readonly db: Database.Database;
  /** The event projection: stores the event and updates tasks / iterations / findings / usage in one transaction. Idempotent per (taskId, seq). */
  applyEvent(event: TaskEvent): void;
  /** Stored events in seq order, after `afterSeq` (SSE replay from Last-Event-ID). */
  events(taskId: string, afterSeq?: number): TaskEvent[];
  /** Inserts a task that runs in this process without the queue (the CLI path), already `running`. */
  startTask(request: TaskRequest, opts?: { concurrencyKey?: string }): void;
  getTask(id: string): TaskRecord | undefined;
  taskDetail(id: string): TaskDetail | undefined;
  /** Most recent first; pass `nextCursor` back as `cursor` for the next page. */
  listTasks(q?: TaskListQuery): { tasks: TaskRecord[]; nextCursor?: string };
  costSummary(q: { since: Date }): CostSummary;
  /** Records a platform delivery id; false if it was seen before (atomic: INSERT OR IGNORE). */
  claimDelivery(key: string, taskId?: string): boolean;
  /** Forgets delivery ids claimed before `before`; returns how many. */
  pruneDeliveries(before: Date): number;
  replyRef(taskId: string, channel: string): unknown | undefined;
  saveReplyRef(taskId: string, channel: string, ref: unknown): void;
  kvGet(key: string): string | undefined;
  kvSet(key: string, value: string): void;
  webhookDeliveries: WebhookDeliveries;
  queue: TaskQueue;
  threads: ThreadQueries;
  /** For the long-running hub: WAL checkpoints move to a worker thread, off the request path. */
  checkpointInBackground(intervalMs?: number): void;
  close(): void;
}

export interface StoreOptions {
  /** The clock for stored times (tests pin it); event times come from the events themselves. */
  now?: Clock;
}

/** Opens `<data>/openkoi.db` (or ":memory:") with migrations applied. */
export function openStore(path: string, options: StoreOptions = {}): Store {
  const now = options.now ?? (() => new Date());
  const db = openDatabase(path);
  let checkpointer: Worker | undefined;
  const projection = createProjection(db);
  const tasks = createTaskReader(db);
  const insertTask = createTaskInserter(db);
  const deliveries = createDeliveryLog(db, now);
  const replies = createReplyRefs(db);
  const kv = createKv(db, now);
  return {
    db,
    applyEvent: projection.apply,
    events: projection.events,
    startTask: (request, opts = {}) =>
      insertTask(request, { status: "running", runner: "direct", at: now().toISOString(), concurrencyKey: opts.concurrencyKey }),
    getTask: tasks.get,
    taskDetail: tasks.detail,
    listTasks: tasks.list,
    costSummary: createCostSummary(db),
    claimDelivery: deliveries.claim,
    pruneDeliveries: deliveries.prune,
    replyRef: replies.get,
    saveReplyRef: replies.save,
    kvGet: kv.get,
    kvSet: kv.set,
    webhookDeliveries: createWebhookDeliveries(db, now),
    queue: createTaskQueue(db, now),
    threads: createThreadQueries(db),
    checkpointInBackground(intervalMs = 200) {
      if (checkpointer || path === ":memory:") return;
      // Plain JavaScript beside this module, in src/ and in dist/ alike.
      const script = new URL("./checkpoint.worker.js", import.meta.url);
      // Still checkpoint in-line if the worker ever falls behind by ~200 MB (bursts of thousands of tasks a second).
      db.pragma("wal_autocheckpoint = 50000");
      checkpointer = new Worker(script, { workerData: { path, intervalMs }, resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2 } });
      checkpointer.on("error", () => {
        if (db.open) db.pragma("wal_autocheckpoint = 1000");
      });
      checkpointer.unref();
    },
    close: () => {
      checkpointer?.postMessage("stop");
      checkpointer = undefined;
      db.close();
    },
  };
}
