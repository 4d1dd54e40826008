import { LimitExceededError } from "../core/errors.js";
import { createEmitter, type EventSink, type TaskEvent } from "../core/events.js";
import { type Redactor, redactRequest } from "../core/redact.js";
import type { TaskRequest } from "../core/task.js";
import type { EnqueueOptions, Store } from "../store/index.js";
import type { Runner } from "./runner.js";

type Enqueued = { taskId: string; created: boolean; queued: TaskEvent | undefined };

/**
 * Group commit: submissions arriving in the same tick are stored in one SQLite transaction (each in its own
 * savepoint, so one bad request fails alone), and each caller is answered only after that commit.
 */
function createGroupCommit(
  store: Store,
  enqueueOne: (request: TaskRequest, options?: EnqueueOptions) => Enqueued,
  onQueued: (event: TaskEvent, concurrencyKey: string | undefined) => void,
) {
  type Pending = { request: TaskRequest; options?: EnqueueOptions; resolve(r: { taskId: string; created: boolean }): void; reject(e: unknown): void };
  let pending: Pending[] = [];
  const commit = store.db.transaction((batch: Pending[]) =>
    batch.map((item) => {
      try {
        return enqueueOne(item.request, item.options);
      } catch (error) {
        return error instanceof Error ? error : new Error(String(error));
      }
    }),
  );
  const flush = () => {
    const batch = pending;
    pending = [];
    let results: Array<Enqueued | Error>;
    try {
      results = commit.immediate(batch);
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    for (const [i, item] of batch.entries()) {
      const result = results[i] as Enqueued | Error;
      if (result instanceof Error) {
        item.reject(result);
        continue;
      }
      if (result.queued) onQueued(result.queued, item.options?.concurrencyKey);
      item.resolve({ taskId: result.taskId, created: result.created });
    }
  };
  return (request: TaskRequest, options?: EnqueueOptions) =>
    new Promise<{ taskId: string; created: boolean }>((resolve, reject) => {
      if (pending.length === 0) setImmediate(flush);
      pending.push({ request, options, resolve, reject });
    });
}

/** The intake's share of `[limits]`: one check for every origin (API, chat, GitHub). */
export interface IntakeLimits {
  maxDescriptionChars: number;
  maxQueuedPerSubmitter: number;
  maxQueuedPerThread: number;
}

/** Code points, not UTF-16 units, so an emoji counts once; stops counting past the limit. */
function charCount(text: string, stopAfter: number): number {
  if (text.length <= stopAfter) return [...text].length;
  let n = 0;
  for (const _ of text) if (++n > stopAfter) break;
  return n;
}

export function checkDescription(description: string, max: number): void {
  if (charCount(description, max) <= max) return;
  const n = [...description].length;
  throw new LimitExceededError("DESCRIPTION_TOO_LONG", `Your message is ${n} characters; the limit is ${max} (limits.max_description_chars).`, 413);
}

/** A chat or GitHub user is the submitter; an API route names its client itself. */
function submitterOf(request: TaskRequest, options: EnqueueOptions | undefined): string {
  return options?.submitter ?? `${request.origin.kind}:${request.origin.user ?? ""}`;
}

/**
 * How every origin hands the hub a task, and takes one back: `submit` stores it (task row and its queued event,
 * group-committed) before resolving; `cancel` stops it where it runs or before it starts. A request's text is
 * redacted before anything of it is stored or sent (the row, its queued event).
 */
export function createIntake(store: Store, runner: Runner, sinks: EventSink[], limits: IntakeLimits, redactor: Redactor) {
  // One commit per accepted task: the row and its first event (the queued event every view replays).
  const enqueueWithEvent = store.db.transaction((request: TaskRequest, enqueue?: EnqueueOptions): Enqueued => {
    const result = store.queue.enqueue(request, enqueue);
    const queued = result.created
      ? createEmitter(result.taskId, [(e) => store.applyEvent(e)], 0)({ type: "task.queued", description: request.description })
      : undefined;
    return { ...result, queued };
  });
  const commit = createGroupCommit(store, enqueueWithEvent, (queued, key) => {
    for (const sink of sinks) sink(queued);
    runner.notify(key);
  });
  const submit = async (request: TaskRequest, options?: EnqueueOptions) => {
    checkDescription(request.description, limits.maxDescriptionChars);
    const maxQueued = { perSubmitter: limits.maxQueuedPerSubmitter, perThread: limits.maxQueuedPerThread };
    // Stored (and shown) redacted: a secret pasted into a task never reaches the database.
    return commit(redactRequest(redactor, request), { ...options, submitter: submitterOf(request, options), maxQueued });
  };
  const cancel = (taskId: string, reason: string) => {
    if (runner.cancel(taskId, reason)) return "cancelling" as const;
    const task = store.getTask(taskId);
    if (task && store.queue.cancelQueued(taskId)) {
      createEmitter(
        taskId,
        [(e) => store.applyEvent(e), ...sinks],
        task.lastSeq,
      )({ type: "task.cancelled", reason: redactor.text(`${reason} (before it started)`), iterations: 0, filesChanged: [] });
      return "cancelled" as const;
    }
    return "not_cancellable" as const;
  };
  return { submit, cancel };
}
