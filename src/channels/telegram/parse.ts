import type { CallbackQuery, Message, MessageEntity, Update } from "grammy/types";
import type { ThreadRef } from "../../core/task.js";
import type { InboundMessage } from "../types.js";

export const CHANNEL = "telegram";
export const STOP_ACTION = "openkoi_stop";

export interface BotIdentity {
  id: number;
  username: string;
}

export type TelegramEvent =
  | { kind: "message"; message: InboundMessage }
  | {
      kind: "stop";
      taskId: string;
      user: string;
      userName: string;
      places: string[];
      callbackQueryId: string;
      /** The hub's id of the bot message carrying the button (`<chat>:<message>`). */
      messageRef?: string;
    }
  | { kind: "ignore"; reason: string };

/** The thread root of a message the bot sent (its live message replies to the thread's root). */
export type RootLookup = (chatId: string, messageId: number) => string | undefined;

const ignore = (reason: string): TelegramEvent => ({ kind: "ignore", reason });

export function placesOf(chatId: string, topic?: string): string[] {
  return topic ? [chatId, `${chatId}/${topic}`] : [chatId];
}

/** One Bot API update → a message for the hub, a Stop press, or nothing. */
export function parseUpdate(update: Update, me: BotIdentity, rootOf: RootLookup = () => undefined): TelegramEvent {
  if (update.callback_query) return parseCallback(update.callback_query);
  const msg = update.message;
  if (!msg) return ignore("not a new message");
  if (msg.from?.id === me.id) return ignore("the bot's own message");
  if (msg.from?.is_bot && !msg.sender_chat) return ignore("another bot");
  const raw = msg.text ?? msg.caption;
  if (raw === undefined) return ignore("no text");
  const entities = msg.entities ?? msg.caption_entities ?? [];
  const { text, mentioned } = stripAddress(raw, entities, me);
  if (!text) return ignore("empty after removing the mention");
  const chatId = String(msg.chat.id);
  const topic = msg.is_topic_message && msg.message_thread_id !== undefined ? String(msg.message_thread_id) : undefined;
  const target = replyTarget(msg);
  const isDirect = msg.chat.type === "private";
  const thread: ThreadRef = {
    channel: CHANNEL,
    conversation: chatId,
    thread: threadId(topic, isDirect ? undefined : rootId(msg, target, rootOf)),
    extra: { reply_to: String(msg.message_id), ...(topic ? { topic } : {}) },
  };
  const sender = msg.sender_chat?.id ?? msg.from?.id;
  if (sender === undefined) return ignore("no sender");
  return {
    kind: "message",
    message: {
      channel: CHANNEL,
      // update_id alone can repeat: Telegram picks a random start after a week without updates.
      deliveryKey: `${update.update_id}:${chatId}:${msg.message_id}`,
      thread,
      messageId: String(msg.message_id),
      user: String(sender),
      places: placesOf(chatId, topic),
      text,
      addressed: isDirect || mentioned || target?.from?.id === me.id,
      isDirect,
    },
  };
}

/**
 * Groups: a thread is a reply chain (inside its forum topic). A private chat is one conversation (per topic), so
 * follow-ups and "stop" work there without replying to a message.
 */
function threadId(topic: string | undefined, root: string | undefined): string | undefined {
  if (root === undefined) return topic;
  return topic ? `${topic}/${root}` : root;
}

/** The message this one explicitly replies to; in forum topics Telegram also sets the topic's opening message, which is no reply. */
function replyTarget(msg: Message): Message["reply_to_message"] {
  const target = msg.reply_to_message;
  if (!target) return undefined;
  if (msg.is_topic_message && target.message_id === msg.message_thread_id) return undefined;
  return target;
}

function rootId(msg: Message, target: Message["reply_to_message"], rootOf: RootLookup): string {
  if (!target) return String(msg.message_id);
  const known = rootOf(String(msg.chat.id), target.message_id);
  if (known) return known.split("/").pop() ?? known;
  // Outside forum topics, a reply's message_thread_id names the root of its reply chain.
  if (!msg.is_topic_message && msg.message_thread_id !== undefined) return String(msg.message_thread_id);
  return String(target.message_id);
}

/** Removes the bot's @mention / text_mention / leading /command and reports whether the bot was addressed. */
export function stripAddress(raw: string, entities: MessageEntity[], me: BotIdentity): { text: string; mentioned: boolean } {
  const handle = `@${me.username.toLowerCase()}`;
  const cuts: Array<{ from: number; to: number; replace: string }> = [];
  for (const e of entities) {
    const slice = raw.slice(e.offset, e.offset + e.length);
    if (e.type === "mention" && slice.toLowerCase() === handle) cuts.push({ from: e.offset, to: e.offset + e.length, replace: "" });
    if (e.type === "text_mention" && e.user.id === me.id) cuts.push({ from: e.offset, to: e.offset + e.length, replace: "" });
    if (e.type === "bot_command" && e.offset === 0) {
      const [command = "", target] = slice.slice(1).split("@");
      if (target === undefined || `@${target.toLowerCase()}` === handle)
        cuts.push({ from: 0, to: e.length, replace: command.toLowerCase() === "stop" ? "stop" : "" });
    }
  }
  let text = raw;
  for (const { from, to, replace } of cuts.sort((a, b) => b.from - a.from)) {
    // "do @bot now" → "do now": drop one of the two spaces the mention sat between.
    const end = !replace && text[from - 1] === " " && text[to] === " " ? to + 1 : to;
    text = text.slice(0, from) + replace + text.slice(end);
  }
  return { text: text.replace(/^[\s,:;]+/, "").trim(), mentioned: cuts.length > 0 };
}

function parseCallback(query: CallbackQuery): TelegramEvent {
  const data = query.data ?? "";
  if (!data.startsWith(`${STOP_ACTION}:`)) return ignore("not a Stop button");
  const taskId = data.slice(STOP_ACTION.length + 1);
  if (!taskId) return ignore("Stop button without a task id");
  const message = query.message;
  const chatId = message ? String(message.chat.id) : undefined;
  const topic =
    message && "is_topic_message" in message && message.is_topic_message && message.message_thread_id !== undefined
      ? String(message.message_thread_id)
      : undefined;
  const { from } = query;
  return {
    kind: "stop",
    taskId,
    user: String(from.id),
    userName: from.username ? `@${from.username}` : from.first_name,
    places: chatId ? placesOf(chatId, topic) : [],
    callbackQueryId: query.id,
    messageRef: message && chatId ? `${chatId}:${message.message_id}` : undefined,
  };
}
