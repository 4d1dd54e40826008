import { randomUUID } from "node:crypto";
import { errorMessage, LimitExceededError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { RateLimiter } from "../core/rate-limiter.js";
import type { TaskRequest, ThreadRef } from "../core/task.js";
import type { EnqueueOptions, Store } from "../store/index.js";
import { type ChannelPolicy, isAllowed } from "./policy.js";
import type { ChannelContext, InboundMessage, ReceiveOutcome, ThreadApi } from "./types.js";

const HISTORY_TASKS = 10;
const HISTORY_CHARS = 8000;
const STOP_WORDS = new Set(["stop", "cancel", "/stop", "🛑"]);
const REFUSAL = (channel: string) =>
  `Sorry, you are not allowed to run openkoi tasks here. An admin can add you to channels.${channel}.allow_users / allow_channels.`;

export function threadKey(channel: string, thread: ThreadRef): string {
  return `${channel}:${thread.conversation}:${thread.thread ?? ""}`;
}

/**
 * The thread's earlier exchanges, newest kept when over budget. Read when the task starts (not when the message
 * arrived), so a follow-up queued behind a running task sees that task's answer.
 */
export function threadHistory(store: Store, key: string): string | undefined {
  const lines = store.threads.history(key, HISTORY_TASKS).map((h) => `User: ${h.description}\nopenkoi (${h.status}): ${(h.output ?? "").slice(0, 1500)}`);
  const text = lines.join("\n\n");
  return text ? text.slice(-HISTORY_CHARS) : undefined;
}

export interface ChannelContextDeps {
  channel: string;
  policy: ChannelPolicy;
  dataDir: string;
  store: Store;
  logger: Logger;
  submit(request: TaskRequest, options: EnqueueOptions): Promise<{ taskId: string; created: boolean }>;
  cancel(taskId: string, reason: string): boolean;
  defaults: { maxIterations: number; qualityThreshold: number; workspace: string };
  /** For per-day rules (ms since the epoch); the wall clock unless a test moves it. */
  now?: () => number;
  /** Messages per user ([limits].chat_messages_per_minute), shared by every channel; unlimited when absent. */
  messageRate?: RateLimiter;
}

/** Over the rate: one reply the first time, then silence until the user's window has room again. */
function rateRefusal(deps: ChannelContextDeps, message: InboundMessage): { reply?: string } | undefined {
  const decision = deps.messageRate?.take(`${deps.channel}:${message.user}`);
  if (!decision || decision.allowed) return undefined;
  const seconds = Math.ceil(decision.retryAfterMs / 1000);
  if (!decision.firstRefusal) return {};
  return { reply: `You are sending messages faster than openkoi takes them (limits.chat_messages_per_minute); I will read yours again in ${seconds} s.` };
}

function budgetRefusal(deps: ChannelContextDeps, message: InboundMessage, key: string): string | undefined {
  const { policy, store } = deps;
  if (policy.maxCostPerThread !== undefined) {
    const spent = store.threads.costOfThread(key);
    if (spent >= policy.maxCostPerThread)
      return `This thread has used $${spent.toFixed(2)} of its $${policy.maxCostPerThread.toFixed(2)} budget; start a new thread or ask an admin to raise channels.${deps.channel}.max_cost_usd_per_thread.`;
  }
  if (policy.maxCostPerUserPerDay !== undefined) {
    const since = new Date(Date.now() - 24 * 3600_000);
    const spent = store.threads.costOfUserSince(deps.channel, message.user, since);
    if (spent >= policy.maxCostPerUserPerDay)
      return `You have used $${spent.toFixed(2)} of your $${policy.maxCostPerUserPerDay.toFixed(2)} daily budget; try again tomorrow or ask an admin to raise channels.${deps.channel}.max_cost_usd_per_user_per_day.`;
  }
  return undefined;
}

/**
 * The inbound half every channel shares: engagement, allowlists, stop words, budgets, then a durable,
 * deduplicated enqueue. Everything here is local (SQLite), so the platform gets its ack in milliseconds.
 */
export function createChannelContext(deps: ChannelContextDeps): ChannelContext {
  const { channel, store, logger } = deps;
  const later = (what: string, work: Promise<unknown> | undefined) => void work?.catch((e: unknown) => logger.warn(`${channel}: ${what}: ${errorMessage(e)}`));

  const ctx: ChannelContext = {
    policy: deps.policy,
    dataDir: deps.dataDir,
    logger,
    kv: { get: (key) => store.kvGet(key), set: (key, value) => store.kvSet(key, value) },
    isEngaged: (name, thread) => store.threads.engaged(threadKey(name, thread)),
    taskForMessage: (name, messageId) => store.kvGet(`reply:${name}:${messageId}`),
    activeTaskInThread: (name, thread) => store.threads.active(threadKey(name, thread)),
    cancelTask: (taskId, reason) => deps.cancel(taskId, reason),
    claimOnce: (key) => store.claimDelivery(`${channel}:once:${key}`),
    now: deps.now ?? Date.now,

    async receive(message: InboundMessage, api: ThreadApi): Promise<ReceiveOutcome> {
      if (!message.addressed && !ctx.isEngaged(channel, message.thread)) return { kind: "ignored", reason: "not addressed to the bot" };
      const key = threadKey(channel, message.thread);
      const reply = (text: string) => {
        if (store.claimDelivery(`${channel}:${message.deliveryKey}`)) later("reply", api.postText(message.thread, text));
      };
      if (!isAllowed(deps.policy, message.user, message.places)) {
        // One refusal per user per thread (durably), however often they write: a stranger cannot make the bot chatter.
        if (store.claimDelivery(`refused:${key}:${message.user}`)) later("refusal", api.postText(message.thread, REFUSAL(channel)));
        return { kind: "refused", reason: "not on the allowlist" };
      }
      if (STOP_WORDS.has(message.text.trim().toLowerCase())) {
        const taskId = store.threads.active(key);
        if (taskId && store.claimDelivery(`${channel}:${message.deliveryKey}`)) deps.cancel(taskId, `stopped by ${message.user} in the thread`);
        return { kind: "stopped", taskId };
      }
      const limited = rateRefusal(deps, message);
      if (limited) {
        if (limited.reply) reply(limited.reply);
        return { kind: "refused", reason: "rate limited" };
      }
      const refusal = budgetRefusal(deps, message, key);
      if (refusal) {
        reply(refusal);
        return { kind: "refused", reason: "budget" };
      }
      const { policy, defaults } = deps;
      const request: TaskRequest = {
        id: randomUUID(),
        description: message.text,
        options: {
          maxIterations: policy.maxIterations ?? defaults.maxIterations,
          qualityThreshold: policy.qualityThreshold ?? defaults.qualityThreshold,
          grants: policy.grants,
        },
        origin: { kind: channel as TaskRequest["origin"]["kind"], user: message.user, thread: message.thread },
        workspace: policy.workspace ?? defaults.workspace,
      };
      let submitted: { taskId: string; created: boolean };
      try {
        submitted = await deps.submit(request, { concurrencyKey: key, deliveryKey: `${channel}:${message.deliveryKey}` });
      } catch (error) {
        // A description too long or a full queue: the intake's message is the reply (its claim was rolled back).
        if (!(error instanceof LimitExceededError)) throw error;
        reply(error.message);
        return { kind: "refused", reason: error.code };
      }
      const { taskId, created } = submitted;
      if (!created) return { kind: "duplicate", taskId };
      if (message.messageId && api.react) later("reaction", api.react(message.thread, message.messageId, "eyes"));
      return { kind: "queued", taskId };
    },
  };
  return ctx;
}
