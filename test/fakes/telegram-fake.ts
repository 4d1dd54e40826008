/**
 * A fake Telegram Bot API on 127.0.0.1:0: `POST /bot<token>/<method>` with JSON, answering `{ok, result}` or
 * `{ok:false, error_code, description, parameters}`. It stores what the bot sent and serves updates to long polls.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Message, Update, User } from "grammy/types";
import { type RecordedRequest, type Reply, startFake } from "./http.js";

export const BOT_TOKEN = "123456:TEST-token_abc";
export const WEBHOOK_SECRET = "test-secret_1";
export const BOT = {
  id: 123456,
  is_bot: true as const,
  first_name: "openkoi",
  username: "openkoi_test_bot",
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
};

export interface TelegramCall {
  method: string;
  body: Record<string, unknown>;
  at: number;
}

/** A message as the bot sent it (sendMessage) or last edited it (editMessageText). */
export interface StoredMessage {
  message_id: number;
  chat_id: string;
  text: string;
  parse_mode?: string;
  reply_markup?: { inline_keyboard?: Array<Array<{ text: string; callback_data?: string }>> };
  message_thread_id?: number;
  reply_parameters?: { message_id: number };
}

export interface ApiFailure {
  error_code: number;
  description: string;
  retry_after?: number;
}

export interface TelegramFake {
  url: string;
  calls: TelegramCall[];
  sent: StoredMessage[];
  edits: StoredMessage[];
  /** Queues an update for getUpdates and wakes a pending long poll. */
  pushUpdate(update: Update): void;
  /** The next call of `method` fails with this Bot API error. */
  failNext(method: string, failure: ApiFailure): void;
  setWebhookInfo(info: { url: string; last_error_message?: string }): void;
  /** Every call of `method` gets this raw HTTP reply (e.g. a proxy's 502 page) until called again without one. */
  failAlways(method: string, reply: Reply | undefined): void;
  /** getUpdates answers at once whatever its `timeout` (a proxy or local Bot API server that ignores it). */
  answerPollsAtOnce(on: boolean): void;
  pendingPolls(): number;
  close(): Promise<void>;
}

const ok = (result: unknown): Reply => ({ json: { ok: true, result } });
const fail = (f: ApiFailure): Reply => ({
  status: f.error_code,
  json: { ok: false, error_code: f.error_code, description: f.description, ...(f.retry_after ? { parameters: { retry_after: f.retry_after } } : {}) },
});

export async function startTelegramFake(): Promise<TelegramFake> {
  const calls: TelegramCall[] = [];
  const sent: StoredMessage[] = [];
  const edits: StoredMessage[] = [];
  const updates: Update[] = [];
  const failures = new Map<string, ApiFailure>();
  const outages = new Map<string, Reply>();
  let instantPolls = false;
  const waiters = new Set<() => void>();
  let webhook = { url: "", pending_update_count: 0, has_custom_certificate: false } as Record<string, unknown>;
  let nextId = 1000;

  const wake = () => {
    for (const w of [...waiters]) w();
  };
  const take = (body: Record<string, unknown>) => {
    const offset = typeof body.offset === "number" ? body.offset : 0;
    return updates.filter((u) => u.update_id >= offset).slice(0, typeof body.limit === "number" ? body.limit : 100);
  };
  /** Holds a long poll until an update arrives, `timeout` passes, the client aborts, or the fake closes. */
  const longPoll = (body: Record<string, unknown>, seconds: number): Reply => ({
    stream: (res: ServerResponse, req: IncomingMessage) =>
      new Promise<void>((resolve) => {
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(finish);
          req.socket.off("close", finish);
          if (!res.destroyed && !res.writableEnded) {
            res.writeHead(200, { "content-type": "application/json" });
            res.end(JSON.stringify({ ok: true, result: take(body) }));
          }
          resolve();
        };
        const timer = setTimeout(finish, seconds * 1000);
        waiters.add(finish);
        req.socket.once("close", finish);
      }),
  });

  const store = (b: Record<string, unknown>, messageId: number): StoredMessage => ({
    message_id: messageId,
    chat_id: String(b.chat_id),
    text: String(b.text ?? ""),
    parse_mode: b.parse_mode as string | undefined,
    reply_markup: b.reply_markup as StoredMessage["reply_markup"],
    message_thread_id: b.message_thread_id as number | undefined,
    reply_parameters: b.reply_parameters as StoredMessage["reply_parameters"],
  });

  const handler = (request: RecordedRequest): Reply | undefined => {
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(request.path);
    if (!match) return undefined;
    const [, token, method = ""] = match;
    const body = (typeof request.body === "object" && request.body ? request.body : {}) as Record<string, unknown>;
    calls.push({ method, body, at: Date.now() });
    if (token !== BOT_TOKEN) return fail({ error_code: 401, description: "Unauthorized" });
    const outage = outages.get(method);
    if (outage) return outage;
    const failure = failures.get(method);
    if (failure) {
      failures.delete(method);
      return fail(failure);
    }
    const chat = { id: Number(body.chat_id), type: "supergroup", title: "dev" };
    switch (method) {
      case "getMe":
        return ok(BOT);
      case "getWebhookInfo":
        return ok(webhook);
      case "deleteWebhook":
      case "setWebhook":
      case "setMessageReaction":
      case "answerCallbackQuery":
      case "sendChatAction":
        return ok(true);
      case "sendMessage": {
        const message = store(body, ++nextId);
        sent.push(message);
        return ok({
          message_id: message.message_id,
          date: Math.floor(Date.now() / 1000),
          chat,
          from: BOT,
          text: message.text,
          message_thread_id: message.message_thread_id,
        });
      }
      case "editMessageText": {
        const message = store(body, Number(body.message_id));
        const previous = [...edits, ...sent].reverse().find((m) => m.chat_id === message.chat_id && m.message_id === message.message_id);
        if (previous && previous.text === message.text && JSON.stringify(previous.reply_markup) === JSON.stringify(message.reply_markup)) {
          return fail({
            error_code: 400,
            description:
              "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
          });
        }
        edits.push(message);
        return ok({ message_id: message.message_id, date: 1, edit_date: 2, chat, from: BOT, text: message.text });
      }
      case "getUpdates": {
        const timeout = typeof body.timeout === "number" ? body.timeout : 0;
        return take(body).length || timeout <= 0 || instantPolls ? ok(take(body)) : longPoll(body, timeout);
      }
      default:
        return fail({ error_code: 400, description: `Bad Request: method ${method} is not faked` });
    }
  };

  const server = await startFake("telegram", handler);
  return {
    url: server.url,
    calls,
    sent,
    edits,
    pushUpdate(update) {
      updates.push(update);
      wake();
    },
    failNext: (method, failure) => void failures.set(method, failure),
    failAlways(method, reply) {
      if (reply) outages.set(method, reply);
      else outages.delete(method);
    },
    answerPollsAtOnce(on) {
      instantPolls = on;
    },
    setWebhookInfo(info) {
      webhook = { ...webhook, ...info };
    },
    pendingPolls: () => waiters.size,
    async close() {
      wake();
      await server.close();
    },
  };
}

// ---- Update builders in the Bot API's real shapes -------------------------------------------------------

const userIds = new Map<string, number>();
/** A stable numeric Telegram user id for a test's user name. */
export function userId(name: string): number {
  let id = userIds.get(name);
  if (id === undefined) {
    id = 7000 + userIds.size;
    userIds.set(name, id);
  }
  return id;
}

export function userOf(name: string): User {
  return { id: userId(name), is_bot: false, first_name: name, username: name.toLowerCase() };
}

export interface MessageInput {
  chatId: number;
  messageId: number;
  text: string;
  user?: string;
  chatType?: "private" | "group" | "supergroup";
  /** Prefix the text with `@<bot username>` and its mention entity. */
  mention?: boolean;
  /** A forum topic id: the message is a topic message (and "replies" to the topic's opening message). */
  topic?: number;
  /** An explicit reply to this message. */
  replyTo?: { message_id: number; from?: User; text?: string };
}

export function messageUpdate(updateId: number, input: MessageInput): Update {
  const from = userOf(input.user ?? "alice");
  const prefix = input.mention ? `@${BOT.username} ` : "";
  const chat =
    input.chatType === "private"
      ? { id: input.chatId, type: "private" as const, first_name: from.first_name }
      : { id: input.chatId, type: "supergroup" as const, title: "dev", ...(input.topic ? { is_forum: true as const } : {}) };
  const base = { message_id: input.messageId, date: Math.floor(Date.now() / 1000), chat, from, text: `${prefix}${input.text}` };
  const entities = input.mention ? [{ type: "mention" as const, offset: 0, length: BOT.username.length + 1 }] : undefined;
  const topicOpening = input.topic ? { message_id: input.topic, date: 1, chat, from, forum_topic_created: { name: "builds", icon_color: 7322096 } } : undefined;
  const reply = input.replyTo ? { date: 1, chat, text: "", ...input.replyTo } : topicOpening;
  const message = {
    ...base,
    ...(entities ? { entities } : {}),
    ...(input.topic ? { message_thread_id: input.topic, is_topic_message: true as const } : {}),
    ...(reply ? { reply_to_message: reply } : {}),
  } as Message & Update.NonChannel;
  return { update_id: updateId, message };
}

export function stopUpdate(updateId: number, input: { taskId: string; chatId: number; messageId: number; user?: string }): Update {
  const from = userOf(input.user ?? "alice");
  return {
    update_id: updateId,
    callback_query: {
      id: `cq-${updateId}`,
      from,
      chat_instance: "-42",
      data: `openkoi_stop:${input.taskId}`,
      message: {
        message_id: input.messageId,
        date: 1,
        chat: { id: input.chatId, type: "supergroup", title: "dev" },
        from: BOT,
        text: "🟡 Working on it",
      } as Message,
    },
  };
}

/** What a user sees in a stored message: HTML parsed to text, plus the buttons' labels. */
export function visibleText(message: StoredMessage): string {
  const body =
    message.parse_mode === "HTML"
      ? message.text
          .replace(/<[^>]*>/g, "")
          .replace(/&lt;/g, "<")
          .replace(/&gt;/g, ">")
          .replace(/&quot;/g, '"')
          .replace(/&amp;/g, "&")
      : message.text;
  const buttons = (message.reply_markup?.inline_keyboard ?? []).flat().map((b) => b.text);
  return buttons.length ? `${body}\n${buttons.join(" ")}` : body;
}
