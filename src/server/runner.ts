import { CancelledError, errorMessage, InterruptedError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { TaskRequest } from "../core/task.js";
import type { TaskQueue } from "../store/index.js";

export interface Runner {
  /** Wakes the pool after something was enqueued (with its concurrency key, when it has one). */
  notify(concurrencyKey?: string): void;
  /** Aborts a task running in this process; false when it is not running here. */
  cancel(taskId: string, reason?: string): boolean;
  isRunning(taskId: string): boolean;
  runningIds(): string[];
  /** Stops claiming, waits up to `graceMs` for running tasks, then interrupts the rest. */
  stop(graceMs: number): Promise<void>;
}

/** The worker pool: claims queued tasks from the durable queue, at most `concurrency` at a time. */
export function createRunner(deps: {
  queue: TaskQueue;
  concurrency: number;
  /** The concurrency key a claimed task holds (so a new task behind a running key does not trigger a queue scan). */
  keyOf(taskId: string): string | undefined;
  run: (request: TaskRequest, signal: AbortSignal) => Promise<unknown>;
  logger: Logger;
}): Runner {
  const running = new Map<string, { controller: AbortController; done: Promise<void>; key?: string }>();
  // Set when a scan found nothing claimable; cleared when a task ends. Until then, a task that waits behind a
  // running key cannot change the answer, so it does not cost another scan of the queue.
  let blocked = false;
  let stopping = false;

  const start = (request: TaskRequest) => {
    const controller = new AbortController();
    const done = deps
      .run(request, controller.signal)
      .catch((error: unknown) => {
        // runTask reports failures as events; reaching here means a bug, so record it rather than lose the task.
        deps.logger.error(`task ${request.id} crashed: ${errorMessage(error)}`);
        deps.queue.finish(request.id, "failed", { code: "INTERNAL", message: errorMessage(error) });
      })
      .then(() => undefined)
      .finally(() => {
        running.delete(request.id);
        blocked = false;
        pump();
      });
    running.set(request.id, { controller, done, key: deps.keyOf(request.id) });
  };

  const pump = () => {
    while (!stopping && running.size < deps.concurrency) {
      const request = deps.queue.claimNext();
      if (!request) {
        blocked = true;
        return;
      }
      start(request);
    }
  };

  return {
    notify(key) {
      if (blocked && key !== undefined && [...running.values()].some((r) => r.key === key)) return;
      blocked = false;
      queueMicrotask(pump);
    },
    cancel(taskId, reason = "cancelled by request") {
      const entry = running.get(taskId);
      if (!entry) return false;
      entry.controller.abort(new CancelledError(reason));
      return true;
    },
    isRunning: (taskId) => running.has(taskId),
    runningIds: () => [...running.keys()],
    async stop(graceMs) {
      stopping = true;
      const all = () => Promise.all([...running.values()].map((r) => r.done));
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), graceMs);
      });
      const outcome = await Promise.race([all(), grace]);
      clearTimeout(timer);
      if (outcome === "timeout") {
        for (const entry of running.values()) entry.controller.abort(new InterruptedError());
        await all();
      }
    },
  };
}
