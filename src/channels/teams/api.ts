import type { Activity, CloudAdapter, ConversationReference } from "botbuilder";
import { errorMessage, OpenKoiError, RateLimitedError } from "../../core/errors.js";
import type { RichMessage } from "../../core/rich-message.js";
import type { ThreadRef } from "../../core/task.js";
import type { MessageRef, ThreadApi } from "../types.js";
import { cardActivity, textActivity } from "./render.js";

/** The Bot Connector operations used here (the connector client botbuilder builds for a conversation). */
interface Conversations {
  replyToActivity(conversationId: string, activityId: string, activity: Partial<Activity>): Promise<{ id?: string }>;
  sendToConversation(conversationId: string, activity: Partial<Activity>): Promise<{ id?: string }>;
  updateActivity(conversationId: string, activityId: string, activity: Partial<Activity>): Promise<{ id?: string }>;
}

export const TEXT_LIMIT = 4000;
export const MIN_EDIT_INTERVAL_MS = 1500;

/** A stored thread reference back into what botbuilder needs to open a proactive turn (no live TurnContext kept). */
export function referenceOf(thread: ThreadRef): Partial<ConversationReference> {
  const extra = thread.extra ?? {};
  if (!extra.serviceUrl) throw new OpenKoiError("TEAMS_THREAD_INVALID", `The Teams thread ${thread.conversation} has no serviceUrl; it cannot be answered`);
  const conversationType = extra.conversationType ?? "channel";
  return {
    channelId: extra.channelId ?? "msteams",
    serviceUrl: extra.serviceUrl,
    conversation: { id: thread.conversation, conversationType, isGroup: conversationType !== "personal", name: "", tenantId: extra.tenantId },
    bot: { id: extra.botId ?? "", name: extra.botName ?? "" },
  };
}

function retryAfterMs(error: unknown): number {
  const headers = (error as { response?: { headers?: { get?: (name: string) => string | undefined } } }).response?.headers;
  const value = typeof headers?.get === "function" ? headers.get("retry-after") : undefined;
  const seconds = Number(value);
  if (value && Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = value ? Date.parse(value) : Number.NaN;
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : 1000;
}

/** The connector already retried a few times; what is left becomes the hub's vocabulary. */
export function teamsFailure(error: unknown, what: string): Error {
  const status = (error as { statusCode?: unknown }).statusCode;
  if (status === 429) {
    const wait = retryAfterMs(error);
    return new RateLimitedError(`Teams said 429 Too Many Requests to ${what}; retrying in ${Math.ceil(wait / 1000)}s`, wait);
  }
  if (status === 401 || status === 403) {
    return new OpenKoiError(
      "TEAMS_UNAUTHORIZED",
      `Teams said ${status} to ${what}: check channels.teams.app_id, app_password and tenant_id, and that the app is installed where it is asked to answer`,
      { cause: error },
    );
  }
  if (error instanceof OpenKoiError) return error;
  return new OpenKoiError("TEAMS_API_FAILED", `Teams could not ${what}${typeof status === "number" ? ` (${status})` : ""}: ${errorMessage(error)}`, {
    cause: error,
  });
}

/** Posts and edits through CloudAdapter's proactive path, replying under the originating activity. */
export function createTeamsApi(adapter: CloudAdapter, appId: string): ThreadApi {
  async function withConnector<T>(thread: ThreadRef, what: string, work: (c: Conversations) => Promise<T>): Promise<T> {
    const box: { value?: T } = {};
    try {
      await adapter.continueConversationAsync(appId, referenceOf(thread), async (turn) => {
        const client: { conversations: Conversations } = turn.turnState.get(turn.adapter.ConnectorClientKey);
        box.value = await work(client.conversations);
      });
    } catch (error) {
      throw teamsFailure(error, what);
    }
    return box.value as T;
  }

  async function send(thread: ThreadRef, activity: Partial<Activity>, what: string): Promise<MessageRef> {
    const replyToId = thread.extra?.replyToId;
    const response = await withConnector(thread, what, (c) =>
      replyToId ? c.replyToActivity(thread.conversation, replyToId, { ...activity, replyToId }) : c.sendToConversation(thread.conversation, activity),
    );
    if (!response.id) throw new OpenKoiError("TEAMS_API_FAILED", `Teams accepted the message to ${thread.conversation} but returned no id`);
    return { thread, id: response.id };
  }

  return {
    textLimit: TEXT_LIMIT,
    minEditIntervalMs: MIN_EDIT_INTERVAL_MS,
    post: (thread: ThreadRef, message: RichMessage) => send(thread, cardActivity(message), "post the task card"),
    postText: (thread: ThreadRef, text: string) => send(thread, textActivity(text), "post a message"),
    async update(ref: MessageRef, message: RichMessage) {
      await withConnector(ref.thread, "update the task card", (c) =>
        c.updateActivity(ref.thread.conversation, ref.id, { ...cardActivity(message), id: ref.id }),
      );
    },
  };
}
