import { createRequire } from "node:module";
import type { Api } from "grammy";
import { OpenKoiError, RateLimitedError } from "../../core/errors.js";
import type { ThreadRef } from "../../core/task.js";
import { ChannelConfigError } from "../health.js";
import type { MessageRef, ThreadApi } from "../types.js";
import { cut, renderMessage, TEXT_LIMIT } from "./render.js";

const REACTIONS = { eyes: "👀", check: "👍", x: "👎" } as const;
const NO_PREVIEW = { is_disabled: true };

interface TelegramApiError {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number };
}

function isApiError(error: unknown): error is TelegramApiError {
  return typeof error === "object" && error !== null && typeof (error as { error_code?: unknown }).error_code === "number";
}

/** An HTTP answer that is not the Bot API's JSON error (a proxy's 502 page, a bare `{"message": …}`): still an answer. */
export class TelegramHttpAnswer extends Error {
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly body: string,
  ) {
    super(`HTTP ${status} ${statusText}`);
  }
}

function hasErrorCode(text: string): boolean {
  try {
    return isApiError(JSON.parse(text));
  } catch {
    return false;
  }
}

/**
 * grammY's own fetch (node-fetch, resolved as grammY resolves it), wrapped so a non-2xx answer without Telegram's
 * `error_code` keeps its status and text; grammY would otherwise report it as a network failure.
 */
export function inspectingFetch(): typeof fetch {
  const fromGrammy = createRequire(createRequire(import.meta.url).resolve("grammy"));
  const base = fromGrammy("node-fetch") as (url: unknown, init: unknown) => Promise<Response>;
  return (async (url: unknown, init: unknown) => {
    const res = await base(url, init);
    if (res.ok) return res;
    const text = await res.clone().text();
    if (hasErrorCode(text)) return res;
    throw new TelegramHttpAnswer(res.status, res.statusText, text);
  }) as typeof fetch;
}

function answerOf(error: unknown): TelegramHttpAnswer | undefined {
  if (error instanceof TelegramHttpAnswer) return error;
  const inner = (error as { error?: unknown } | null)?.error;
  return inner instanceof TelegramHttpAnswer ? inner : undefined;
}

/** Maps grammY's errors to ours: 429 → RateLimitedError (the reply sink waits), a rejected token → failed, the rest with what to check. */
export function telegramError(error: unknown, method: string): Error {
  if (isApiError(error)) {
    if (error.error_code === 429) {
      const seconds = error.parameters?.retry_after ?? 1;
      return new RateLimitedError(`Telegram rate-limited ${method}: retry after ${seconds} s`, seconds * 1000);
    }
    if (error.error_code === 401 || error.error_code === 404)
      return new ChannelConfigError(`Telegram said ${error.error_code} ${error.description} (${method})`, "check channels.telegram.bot_token", {
        cause: error,
      });
    return new OpenKoiError("UPSTREAM_ERROR", `Telegram said ${error.error_code} ${error.description} (${method})`, { cause: error });
  }
  const answer = answerOf(error);
  if (answer) {
    const text = answer.body.replace(/\s+/g, " ").trim().slice(0, 200);
    return new OpenKoiError(
      "UPSTREAM_ERROR",
      `The Telegram Bot API answered HTTP ${answer.status} ${answer.statusText} to ${method}: ${text || "(empty body)"}`,
      {
        cause: error,
      },
    );
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new OpenKoiError(
    "UPSTREAM_UNREACHABLE",
    `Could not reach the Telegram Bot API (${method}): ${detail}; check channels.telegram.api_root and the network`,
    { cause: error },
  );
}

export async function call<T>(method: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw telegramError(error, method);
  }
}

/** Which thread each message the bot sent belongs to, so a reply to it continues that thread (bounded, in memory). */
export function createThreadMemory(max = 5000) {
  const roots = new Map<string, string>();
  return {
    remember(chatId: string, messageId: number, thread: string | undefined): void {
      if (!thread) return;
      roots.set(`${chatId}:${messageId}`, thread);
      if (roots.size > max) roots.delete(roots.keys().next().value as string);
    },
    rootOf: (chatId: string, messageId: number): string | undefined => roots.get(`${chatId}:${messageId}`),
  };
}

export type ThreadMemory = ReturnType<typeof createThreadMemory>;

/** Answer in the same chat, as a reply to the triggering message, inside its forum topic. */
function placement(thread: ThreadRef) {
  const replyTo = Number(thread.extra?.reply_to);
  const topic = Number(thread.extra?.topic);
  return {
    ...(Number.isInteger(replyTo) && replyTo > 0 ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {}),
    ...(Number.isInteger(topic) && topic > 0 ? { message_thread_id: topic } : {}),
  };
}

function refParts(ref: MessageRef): { chatId: string; messageId: number } {
  const chatId = ref.extra?.chat_id ?? ref.thread.conversation;
  const messageId = Number(ref.extra?.message_id ?? ref.id.slice(ref.id.lastIndexOf(":") + 1));
  return { chatId, messageId };
}

export function createThreadApi(api: Api, memory: ThreadMemory): ThreadApi {
  const sent = (thread: ThreadRef, messageId: number): MessageRef => {
    memory.remember(thread.conversation, messageId, thread.thread);
    // Message ids are only unique per chat; the hub looks messages up by this id.
    return { thread, id: `${thread.conversation}:${messageId}`, extra: { chat_id: thread.conversation, message_id: String(messageId) } };
  };
  return {
    textLimit: TEXT_LIMIT,
    minEditIntervalMs: 1000,
    async post(thread, message) {
      const { text, reply_markup } = renderMessage(message);
      const options = { parse_mode: "HTML" as const, reply_markup, link_preview_options: NO_PREVIEW, ...placement(thread) };
      const result = await call("sendMessage", () => api.sendMessage(thread.conversation, text, options));
      return sent(thread, result.message_id);
    },
    async update(ref, message) {
      const { chatId, messageId } = refParts(ref);
      const { text, reply_markup } = renderMessage(message);
      try {
        await api.editMessageText(chatId, messageId, text, { parse_mode: "HTML", reply_markup, link_preview_options: NO_PREVIEW });
      } catch (error) {
        // Telegram refuses an edit that changes nothing; the message already shows this state.
        if (isApiError(error) && error.error_code === 400 && /message is not modified/i.test(error.description)) return;
        throw telegramError(error, "editMessageText");
      }
    },
    async postText(thread, text) {
      const options = { link_preview_options: NO_PREVIEW, ...placement(thread) };
      const result = await call("sendMessage", () => api.sendMessage(thread.conversation, cut(text, TEXT_LIMIT), options));
      return sent(thread, result.message_id);
    },
    async react(thread, messageId, emoji) {
      await call("setMessageReaction", () => api.setMessageReaction(thread.conversation, Number(messageId), [{ type: "emoji", emoji: REACTIONS[emoji] }]));
    },
  };
}
