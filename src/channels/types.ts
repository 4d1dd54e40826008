import type { Hono } from "hono";
import type { EventSink, TaskEventBody } from "../core/events.js";
import type { Logger } from "../core/logger.js";
import type { RichMessage } from "../core/rich-message.js";
import type { TaskRequest, ThreadRef } from "../core/task.js";
import type { StartEvents } from "./health.js";
import type { ChannelPolicy } from "./policy.js";

/** Where a posted message lives, as the platform identifies it (serialisable; stored per task). */
export interface MessageRef {
  thread: ThreadRef;
  id: string;
  extra?: Record<string, string>;
}

/**
 * The outbound half of a channel: post, edit and react in a thread using only stored references
 * (every reply is "proactive"; no live request context is kept).
 */
export interface ThreadApi {
  /** `meta.taskId` tags the message with its task where the platform keeps such data (so `findPosted` can find it). */
  post(thread: ThreadRef, message: RichMessage, meta?: { taskId: string }): Promise<MessageRef>;
  /**
   * The task's message if one was posted (looked up on the platform by the tag `post` gave it): after a crash between
   * the platform's answer and the store write, a re-run edits that message instead of posting a second one.
   */
  findPosted?(thread: ThreadRef, taskId: string): Promise<MessageRef | undefined>;
  update(ref: MessageRef, message: RichMessage): Promise<void>;
  /** Plain text in the thread: refusals, budget messages, continuation chunks of a long result. */
  postText(thread: ThreadRef, text: string): Promise<MessageRef | undefined>;
  react?(thread: ThreadRef, messageId: string, emoji: "eyes" | "check" | "x"): Promise<void>;
  /** Longest text the platform accepts in one message body; longer results are split. */
  textLimit: number;
  /** The platform's sensible edit rate for one message. */
  minEditIntervalMs: number;
}

/** A platform event turned into plain data by the channel's parser. */
export interface InboundMessage {
  channel: string;
  /** The platform's delivery/event id, recorded before the ack so a retry never runs twice. */
  deliveryKey: string;
  thread: ThreadRef;
  /** The message that triggered this (reactions go on it). */
  messageId?: string;
  user: string;
  /** Platform-specific container ids checked against allow_channels (channel, guild, team, chat). */
  places: string[];
  text: string;
  /** @-mentioned, a DM, a slash command, or a reply in a thread the bot is already engaged in. */
  addressed: boolean;
  isDirect: boolean;
}

/** A small durable key-value space (the store's kv table) for what a channel must remember across restarts. */
export interface ChannelKv {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

/** What a channel may ask of the hub (and nothing more). */
export interface ChannelContext {
  policy: ChannelPolicy;
  /** The hub's data directory (where a channel keeps clones or caches of its own). */
  dataDir: string;
  /** Durable memory (e.g. Telegram's bot identity); absent in some unit tests, where channels keep it in memory. */
  kv?: ChannelKv;
  /** The hub's logger (OPENKOI_LOG_LEVEL); absent in some unit tests. */
  logger?: Logger;
  /** Verify → this → ack: durable, deduplicated; returns quickly. */
  receive(message: InboundMessage, api: ThreadApi): Promise<ReceiveOutcome>;
  /** Stop button / 🛑 reaction / the word "stop": cancels the task, by id or by the message showing it. */
  cancelTask(taskId: string, reason: string): boolean;
  taskForMessage(channel: string, messageId: string): string | undefined;
  activeTaskInThread(channel: string, thread: ThreadRef): string | undefined;
  isEngaged(channel: string, thread: ThreadRef): boolean;
  /** Durable "at most once" (survives a restart): true the first time `key` is claimed. Absent in some unit tests. */
  claimOnce?(key: string): boolean;
  /** The hub's clock for per-day rules (tests move it). */
  now?(): number;
}

export type ReceiveOutcome =
  | { kind: "queued"; taskId: string }
  | { kind: "duplicate"; taskId?: string }
  | { kind: "ignored"; reason: string }
  | { kind: "refused"; reason: string }
  | { kind: "stopped"; taskId?: string };

export interface ChannelAdapter {
  name: string;
  /** HTTP routes under /channels/<name>/… (webhooks, interactions). */
  mount?(app: Hono): void;
  /**
   * Long-lived connections (Discord gateway, Slack Socket Mode, Telegram polling). Run in the background by the
   * hub's supervisor: throw a ChannelConfigError when only the operator can fix it (not retried), anything else is
   * retried with backoff; `events.lost` reports a connection that dropped after it started.
   */
  start?(events?: StartEvents): Promise<void>;
  stop?(): Promise<void>;
  /** The outbound API used to answer in threads. */
  api: ThreadApi;
  /** `openkoi doctor`: one cheap authenticated call. */
  check?(): Promise<string>;
  /**
   * Optional per-task hooks for tasks of this origin, run by the hub around the agent:
   * `prepare` may refuse (throw) or return the request with a workspace made ready (e.g. a git worktree);
   * `finish` sees the terminal event (e.g. commit, push, open the pull request). Both are re-run after a crash.
   */
  prepare?(request: TaskRequest, signal: AbortSignal): Promise<TaskRequest>;
  finish?(request: TaskRequest, outcome: TaskEventBody): Promise<TaskLinks | undefined>;
}

/** Where a task's work ended up (e.g. `pull_request`), recorded by the hub for digests and the API. */
export type TaskLinks = Record<string, string>;

/** Each channel module exports `createChannel(rawConfig, ctx)`. */
export type ChannelFactory = (rawConfig: unknown, ctx: ChannelContext) => Promise<ChannelAdapter>;

export type { EventSink };
