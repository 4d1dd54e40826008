import { errorMessage, RateLimitedError } from "../core/errors.js";
import { isTerminal, type TaskEvent } from "../core/events.js";
import type { Logger } from "../core/logger.js";
import type { ThreadRef } from "../core/task.js";
import type { Store } from "../store/index.js";
import { chunkText } from "./chunk.js";
import { emptyView, foldEvent, type TaskView, taskMessage } from "./task-view.js";
import type { MessageRef, ThreadApi } from "./types.js";

interface Live {
  view: TaskView;
  thread: ThreadRef;
  ref?: MessageRef;
  lastEditAt: number;
  timer?: NodeJS.Timeout;
  chain: Promise<void>;
  finished: boolean;
}

const MAX_RATE_LIMIT_WAITS = 3;

/** Stored in place of a reference while the first post is in flight. */
interface PostingMark {
  posting: true;
  at: string;
}

/**
 * Turns a channel's task events into one live message per task in the originating thread:
 * posted once (or found again after a restart), edited at the platform's pace, finalised with the result.
 */
export function createReplySink(deps: { channel: string; api: ThreadApi; store: Store; logger: Logger; now?: () => number }) {
  const { channel, api, store, logger } = deps;
  const now = deps.now ?? Date.now;
  const live = new Map<string, Live>();
  const outputLimit = Math.max(200, Math.floor(api.textLimit * 0.6));
  // Where the task's message lives, and which task a message shows (Stop by reaction): one commit.
  const remember = store.db.transaction((taskId: string, ref: MessageRef) => {
    store.saveReplyRef(taskId, channel, ref);
    store.kvSet(`reply:${channel}:${ref.id}`, taskId);
  });

  async function withRateLimit(work: () => Promise<void>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (!(error instanceof RateLimitedError) || attempt >= MAX_RATE_LIMIT_WAITS) throw error;
        await new Promise((r) => setTimeout(r, Math.min(error.retryAfterMs, 30_000)));
      }
    }
  }

  /**
   * The stored reference, or — when only the "posting" mark survived (a crash between the post and its record) —
   * the message the platform has for this task, recorded now; undefined when nothing was (or can be found) posted.
   */
  async function recall(task: Live): Promise<MessageRef | undefined> {
    const { taskId } = task.view;
    const stored = store.replyRef(taskId, channel) as MessageRef | PostingMark | undefined;
    if (!stored || !("posting" in stored)) return stored;
    const found = await api.findPosted?.(task.thread, taskId);
    if (found) remember(taskId, found);
    return found;
  }

  async function render(task: Live): Promise<void> {
    const message = taskMessage(task.view, outputLimit);
    task.ref ??= await recall(task);
    const post = async () => {
      const { taskId } = task.view;
      // Durable before the platform can have the message: a re-run then looks for it instead of posting blind.
      store.saveReplyRef(taskId, channel, { posting: true, at: new Date(now()).toISOString() } satisfies PostingMark);
      const ref = await api.post(task.thread, message, { taskId });
      task.ref = ref;
      remember(taskId, ref);
    };
    await withRateLimit(async () => {
      if (!task.ref) return post();
      try {
        await api.update(task.ref, message);
      } catch (error) {
        // The message may have been deleted: the final result must still reach the thread.
        if (error instanceof RateLimitedError || !task.finished) throw error;
        logger.warn(`${channel}: could not edit the message (${errorMessage(error)}); posting the result anew`);
        await post();
      }
    });
    task.lastEditAt = now();
    if (task.finished && task.view.output && task.view.output.length > outputLimit) {
      for (const chunk of chunkText(task.view.output.slice(outputLimit), api.textLimit))
        await withRateLimit(async () => void (await api.postText(task.thread, chunk)));
    }
  }

  function schedule(task: Live, immediate: boolean): void {
    if (task.timer) return;
    const wait = immediate ? 0 : Math.max(0, task.lastEditAt + api.minEditIntervalMs - now());
    task.timer = setTimeout(() => {
      task.timer = undefined;
      task.chain = task.chain
        .then(() => render(task))
        .catch((error: unknown) => logger.warn(`${channel}: could not update the thread: ${errorMessage(error)}`));
    }, wait);
  }

  // Tasks of other origins, looked up once rather than on each of their events.
  const foreign = new Set<string>();
  const sink = (event: TaskEvent) => {
    if (foreign.has(event.taskId)) {
      if (isTerminal(event)) foreign.delete(event.taskId);
      return;
    }
    let task = live.get(event.taskId);
    if (!task) {
      const record = store.getTask(event.taskId);
      const thread = record?.request.origin.thread;
      if (!record || record.request.origin.kind !== channel || !thread) {
        if (!isTerminal(event)) foreign.add(event.taskId);
        return;
      }
      task = { view: emptyView(event.taskId, record.request.description), thread, lastEditAt: 0, chain: Promise.resolve(), finished: false };
      live.set(event.taskId, task);
    }
    task.view = foldEvent(task.view, event);
    if (isTerminal(event)) {
      task.finished = true;
      if (task.timer) clearTimeout(task.timer);
      task.timer = undefined;
      const done = task;
      done.chain = done.chain
        .then(() => render(done))
        .catch((error: unknown) => logger.warn(`${channel}: could not post the result: ${errorMessage(error)}`))
        .finally(() => live.delete(event.taskId));
      return;
    }
    schedule(task, task.ref === undefined && task.lastEditAt === 0);
  };

  return {
    sink,
    /** Resolves once every pending post/edit has been sent (tests, graceful shutdown). */
    async flush(): Promise<void> {
      for (let i = 0; i < 50 && [...live.values()].some((t) => t.timer); i++) await new Promise((r) => setTimeout(r, 20));
      await Promise.all([...live.values()].map((t) => t.chain));
    },
  };
}
