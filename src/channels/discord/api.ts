import type { REST, RequestData } from "discord.js";
import { errorMessage, OpenKoiError, RateLimitedError } from "../../core/errors.js";
import type { RichMessage } from "../../core/rich-message.js";
import type { ThreadRef } from "../../core/task.js";
import { chunkText } from "../chunk.js";
import type { MessageRef, ThreadApi } from "../types.js";
import { type DiscordMessageBody, LIMITS, renderMessage, renderText } from "./render.js";

type Route = `/${string}`;
const EMOJI = { eyes: "👀", check: "✅", x: "❌" } as const;
/** Unknown Webhook / Unknown Message: the deferred response has not reached Discord yet. */
const NOT_YET = new Set([10008, 10015]);
const PERMISSIONS_HINT = "give the bot View Channel, Send Messages, Send Messages in Threads, Embed Links, Read Message History and Add Reactions there";

export interface DiscordApiDeps {
  rest: REST;
  applicationId: string;
  apiUrl: string;
  now?: () => number;
  /** Told which conversation each message we post belongs to (replies to it continue that conversation). */
  onPosted?: (messageId: string, thread: ThreadRef) => void;
}

interface ApiFailure {
  status?: number;
  code?: number | string;
}

function failureOf(error: unknown): ApiFailure {
  if (typeof error !== "object" || error === null) return {};
  const e = error as { status?: unknown; code?: unknown };
  return { status: typeof e.status === "number" ? e.status : undefined, code: typeof e.code === "number" || typeof e.code === "string" ? e.code : undefined };
}

/** A REST failure as an actionable error (the reply sink logs it). */
export function discordError(error: unknown, what: string, apiUrl: string): OpenKoiError {
  const { status, code } = failureOf(error);
  if (status === undefined)
    return new OpenKoiError(
      "DISCORD_UNREACHABLE",
      `Cannot reach Discord at ${apiUrl} (${what}): ${errorMessage(error)}; check channels.discord.api_url and the network`,
      { cause: error },
    );
  let hint = "see https://discord.com/developers/docs/topics/opcodes-and-status-codes";
  if (status === 401) hint = "check channels.discord.bot_token";
  else if (status === 403 || code === 50001 || code === 50013) hint = PERMISSIONS_HINT;
  else if (code === 10003) hint = "the channel is gone or the bot cannot see it";
  return new OpenKoiError("DISCORD_API", `Discord said ${status} ${errorMessage(error)}${code !== undefined ? ` (code ${code})` : ""} on ${what}: ${hint}`, {
    cause: error,
  });
}

function idOf(result: unknown): string {
  if (typeof result === "object" && result !== null && "id" in result && typeof result.id === "string") return result.id;
  throw new OpenKoiError("DISCORD_API", "Discord answered without a message id");
}

/** The live interaction token of a thread started by /koi, while it is still valid. */
function interactionToken(thread: ThreadRef, now: number): string | undefined {
  const token = thread.extra?.interaction_token;
  const expires = Number(thread.extra?.interaction_expires ?? 0);
  return token && now < expires ? token : undefined;
}

function replyReference(thread: ThreadRef): Record<string, unknown> {
  const to = thread.extra?.reply_to;
  return to ? { message_reference: { message_id: to, fail_if_not_exists: false } } : {};
}

/** The outbound half over @discordjs/rest (which waits out 429s itself, per bucket). */
export function createDiscordApi(deps: DiscordApiDeps): ThreadApi {
  const { rest, applicationId, apiUrl } = deps;
  const now = deps.now ?? Date.now;
  const webhook = (token: string) => `/webhooks/${applicationId}/${token}` as const;

  async function send(method: "post" | "patch" | "put", route: Route, options: RequestData, original = false): Promise<unknown> {
    try {
      return await rest[method](route, options);
    } catch (error) {
      const { code } = failureOf(error);
      if (original && typeof code === "number" && NOT_YET.has(code)) throw new RateLimitedError("Discord has not seen the deferred /koi response yet", 500);
      throw discordError(error, `${method.toUpperCase()} ${route.replace(/\/webhooks\/(\d+)\/[^/]+/, "/webhooks/$1/…")}`, apiUrl);
    }
  }

  async function postBody(thread: ThreadRef, body: DiscordMessageBody): Promise<MessageRef> {
    const token = interactionToken(thread, now());
    const result = token
      ? await send("post", webhook(token), { body, auth: false })
      : await send("post", `/channels/${thread.conversation}/messages`, { body: { ...body, ...replyReference(thread) } });
    const ref = { thread, id: idOf(result) };
    deps.onPosted?.(ref.id, thread);
    return ref;
  }

  return {
    textLimit: LIMITS.content,
    minEditIntervalMs: 1000,
    async post(thread: ThreadRef, message: RichMessage): Promise<MessageRef> {
      const token = interactionToken(thread, now());
      if (!token) return postBody(thread, renderMessage(message));
      // The first message of a /koi command replaces its deferred "thinking…" response.
      const result = await send("patch", `${webhook(token)}/messages/@original`, { body: renderMessage(message), auth: false }, true);
      const ref = { thread, id: idOf(result), extra: { via: "interaction" } };
      deps.onPosted?.(ref.id, thread);
      return ref;
    },
    async update(ref: MessageRef, message: RichMessage): Promise<void> {
      const token = ref.extra?.via === "interaction" ? interactionToken(ref.thread, now()) : undefined;
      const route: Route = token ? `${webhook(token)}/messages/${ref.id}` : `/channels/${ref.thread.conversation}/messages/${ref.id}`;
      await send("patch", route, { body: renderMessage(message), ...(token ? { auth: false } : {}) });
    },
    async postText(thread: ThreadRef, text: string): Promise<MessageRef | undefined> {
      let last: MessageRef | undefined;
      for (const chunk of chunkText(text, LIMITS.content)) last = await postBody(thread, renderText(chunk));
      return last;
    },
    async react(thread: ThreadRef, messageId: string, emoji: keyof typeof EMOJI): Promise<void> {
      await send("put", `/channels/${thread.conversation}/messages/${messageId}/reactions/${encodeURIComponent(EMOJI[emoji])}/@me`, {});
    },
  };
}
