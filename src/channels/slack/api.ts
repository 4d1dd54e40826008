import type { webApi } from "@slack/bolt";
import { errorMessage, OpenKoiError, RateLimitedError } from "../../core/errors.js";
import type { RichMessage } from "../../core/rich-message.js";
import type { ThreadRef } from "../../core/task.js";
import type { MessageRef, ThreadApi } from "../types.js";
import { toMrkdwn } from "./mrkdwn.js";
import { renderMessage, SECTION_TEXT_LIMIT } from "./render.js";

type WebClient = webApi.WebClient;
type Json = Record<string, unknown>;

/** Message metadata naming the task a message shows (chat.postMessage `metadata`), found again after a crash. */
const TASK_EVENT_TYPE = "openkoi_task";

/** Slack's per-channel posting pace is about one message a second. */
export const MIN_EDIT_INTERVAL_MS = 1000;

const HINTS: Record<string, string> = {
  invalid_auth: "check channels.slack.bot_token",
  not_authed: "check channels.slack.bot_token",
  token_revoked: "the bot token was revoked: reinstall the app and update channels.slack.bot_token",
  account_inactive: "the bot token belongs to a deactivated app: reinstall it",
  not_in_channel: "invite the bot to the channel (/invite @openkoi)",
  channel_not_found: "invite the bot to the channel (/invite @openkoi), or check the channel still exists",
  is_archived: "the channel is archived",
  missing_scope: "add the scope to the app (OAuth & Permissions) and reinstall it",
  msg_too_long: "the message is longer than Slack accepts",
};

const field = (value: unknown, key: string): unknown => (value && typeof value === "object" ? (value as Json)[key] : undefined);

/** A Web API failure as our error vocabulary: 429 → RateLimitedError (the reply sink waits), else an actionable message. */
export function slackError(error: unknown, method: string): Error {
  const code = field(error, "code");
  if (code === "slack_webapi_rate_limited_error") {
    const seconds = Number(field(error, "retryAfter"));
    const waitMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000;
    return new RateLimitedError(`Slack rate-limited ${method}: retry in ${waitMs / 1000} s`, waitMs);
  }
  if (code === "slack_webapi_platform_error") {
    const data = field(error, "data");
    const said = String(field(data, "error") ?? "unknown_error");
    const needed = field(data, "needed");
    const hint = HINTS[said] ?? `see https://api.slack.com/methods/${method}`;
    return new OpenKoiError("SLACK_API_ERROR", `Slack said ${said} to ${method}${typeof needed === "string" ? ` (needs ${needed})` : ""}: ${hint}`, {
      cause: error,
    });
  }
  if (code === "slack_webapi_http_error") {
    return new OpenKoiError("SLACK_API_ERROR", `Slack answered HTTP ${String(field(error, "statusCode"))} to ${method}: try again later`, { cause: error });
  }
  return new OpenKoiError("SLACK_UNREACHABLE", `Could not reach Slack for ${method}: ${errorMessage(error)}: check channels.slack.api_url and the network`, {
    cause: error,
  });
}

async function call(client: WebClient, method: string, args: Json): Promise<Json> {
  try {
    const result: unknown = await client.apiCall(method, args);
    return result && typeof result === "object" ? (result as Json) : {};
  } catch (error) {
    throw slackError(error, method);
  }
}

const REACTIONS = { eyes: "eyes", check: "white_check_mark", x: "x" } as const;

/** The outbound half over the Web API: Block Kit posts/edits in the thread, plain text, reactions. */
export function createSlackApi(client: WebClient): ThreadApi {
  const posted = (thread: ThreadRef, result: Json, method: string): MessageRef => {
    if (typeof result.ts !== "string") throw new OpenKoiError("SLACK_API_ERROR", `Slack answered ${method} without a message ts`);
    return { thread, id: result.ts };
  };
  const where = (thread: ThreadRef) => ({ channel: thread.conversation, ...(thread.thread ? { thread_ts: thread.thread } : {}) });
  return {
    textLimit: SECTION_TEXT_LIMIT,
    minEditIntervalMs: MIN_EDIT_INTERVAL_MS,
    async post(thread: ThreadRef, message: RichMessage, meta?: { taskId: string }) {
      const metadata = meta ? { metadata: { event_type: TASK_EVENT_TYPE, event_payload: { task_id: meta.taskId } } } : {};
      const result = await call(client, "chat.postMessage", {
        ...where(thread),
        ...renderMessage(message),
        ...metadata,
        unfurl_links: false,
        unfurl_media: false,
      });
      return posted(thread, result, "chat.postMessage");
    },
    async findPosted(thread: ThreadRef, taskId: string) {
      // The thread's replies (or the channel's recent messages), with the metadata our post attached.
      const result = thread.thread
        ? await call(client, "conversations.replies", { channel: thread.conversation, ts: thread.thread, include_all_metadata: true, limit: 200 })
        : await call(client, "conversations.history", { channel: thread.conversation, include_all_metadata: true, limit: 100 });
      const messages = Array.isArray(result.messages) ? (result.messages as Json[]) : [];
      const mine = messages.find((m) => {
        const metadata = field(m, "metadata");
        return field(metadata, "event_type") === TASK_EVENT_TYPE && field(field(metadata, "event_payload"), "task_id") === taskId;
      });
      return typeof mine?.ts === "string" ? { thread, id: mine.ts } : undefined;
    },
    async update(ref: MessageRef, message: RichMessage) {
      await call(client, "chat.update", { channel: ref.thread.conversation, ts: ref.id, ...renderMessage(message) });
    },
    async postText(thread: ThreadRef, text: string) {
      const result = await call(client, "chat.postMessage", { ...where(thread), text: toMrkdwn(text), unfurl_links: false, unfurl_media: false });
      return posted(thread, result, "chat.postMessage");
    },
    async react(thread: ThreadRef, messageId: string, emoji: keyof typeof REACTIONS) {
      try {
        await call(client, "reactions.add", { channel: thread.conversation, timestamp: messageId, name: REACTIONS[emoji] });
      } catch (error) {
        if (!(error instanceof OpenKoiError && error.message.startsWith("Slack said already_reacted"))) throw error;
      }
    },
  };
}

/** `openkoi doctor`: auth.test, the cheapest authenticated call. */
export async function checkSlack(client: WebClient): Promise<string> {
  const me = await call(client, "auth.test", {});
  return `connected as @${String(me.user)} (${String(me.user_id)}) in ${String(me.team)} (${String(me.team_id)})`;
}
