import type { ThreadRef } from "../../core/task.js";
import type { InboundMessage } from "../types.js";

export const CHANNEL = "teams";
export const STOP_ACTION = "openkoi_stop";

interface Account {
  id?: string;
  name?: string;
  aadObjectId?: string;
}

/** The fields of a Bot Framework activity this channel reads (everything optional: it is wire data). */
export interface TeamsActivity {
  type?: string;
  id?: string;
  name?: string;
  text?: string;
  serviceUrl?: string;
  channelId?: string;
  replyToId?: string;
  from?: Account;
  recipient?: Account;
  conversation?: { id?: string; conversationType?: string; tenantId?: string; isGroup?: boolean };
  entities?: Array<{ type?: string; text?: string; mentioned?: Account }>;
  channelData?: { tenant?: { id?: string }; team?: { id?: string }; channel?: { id?: string } };
  value?: unknown;
  reactionsAdded?: Array<{ type?: string }>;
}

/** What an inbound activity means to the hub. */
export type TeamsEvent =
  | { kind: "message"; message: InboundMessage }
  | { kind: "stop"; taskId: string; user: string; userName: string; places: string[]; invoke: boolean }
  | { kind: "stop-reaction"; messageId: string; user: string; userName: string; places: string[] }
  | { kind: "ignore"; reason: string };

const record = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** Teams' stable user id is the Entra object id; the `29:` id is per bot. */
export function userOf(a: TeamsActivity): { user: string; userName: string } {
  const user = a.from?.aadObjectId || a.from?.id || "unknown";
  return { user, userName: a.from?.name || user };
}

/** Containers allow_channels can name: the conversation (chat or channel), the team's channel and team ids, the tenant. */
export function placesOf(a: TeamsActivity): string[] {
  const conversation = a.conversation?.id?.split(";")[0];
  const tenant = a.channelData?.tenant?.id ?? a.conversation?.tenantId;
  const ids = [conversation, a.channelData?.channel?.id, a.channelData?.team?.id, tenant];
  return [...new Set(ids.filter((v): v is string => !!v))];
}

/** The plain-string thread reference: replies go to this conversation, under the originating activity. */
export function threadOf(a: TeamsActivity): ThreadRef {
  const extra: Record<string, string> = { serviceUrl: a.serviceUrl ?? "", channelId: a.channelId ?? "msteams" };
  const tenant = a.channelData?.tenant?.id ?? a.conversation?.tenantId;
  if (tenant) extra.tenantId = tenant;
  if (a.id) extra.replyToId = a.id;
  if (a.recipient?.id) extra.botId = a.recipient.id;
  if (a.recipient?.name) extra.botName = a.recipient.name;
  if (a.conversation?.conversationType) extra.conversationType = a.conversation.conversationType;
  return { channel: CHANNEL, conversation: a.conversation?.id ?? "", extra };
}

/** The text with the bot's own `<at>…</at>` mention removed; other mentions stay as written. */
export function stripBotMention(a: TeamsActivity): { text: string; mentioned: boolean } {
  let text = a.text ?? "";
  let mentioned = false;
  for (const entity of a.entities ?? []) {
    if (entity.type !== "mention" || !entity.mentioned?.id || entity.mentioned.id !== a.recipient?.id) continue;
    mentioned = true;
    if (entity.text) text = text.split(entity.text).join(" ");
  }
  return {
    text: text
      .replace(/&nbsp;/g, " ")
      .replace(/[ \t]+/g, " ")
      .trim(),
    mentioned,
  };
}

/** Action.Submit puts the card's `data` in `value`; Action.Execute (invoke `adaptiveCard/action`) in `value.action.data`. */
function stopTaskId(a: TeamsActivity): string | undefined {
  const value = record(a.value);
  const data = a.type === "invoke" ? record(record(value?.action)?.data) : value;
  return data?.action === STOP_ACTION && typeof data.taskId === "string" && data.taskId ? data.taskId : undefined;
}

const STOP_REACTION = /🛑|stop|^1f6d1/i;

export function parseActivity(a: TeamsActivity): TeamsEvent {
  if (a.from?.id && a.from.id === a.recipient?.id) return { kind: "ignore", reason: "the bot's own activity" };
  const { user, userName } = userOf(a);
  const places = placesOf(a);
  if (a.type === "messageReaction") {
    const stop = (a.reactionsAdded ?? []).some((r) => STOP_REACTION.test(r.type ?? ""));
    return stop && a.replyToId ? { kind: "stop-reaction", messageId: a.replyToId, user, userName, places } : { kind: "ignore", reason: "not a stop reaction" };
  }
  if (a.type === "invoke" || (a.type === "message" && a.value !== undefined)) {
    const taskId = stopTaskId(a);
    return taskId ? { kind: "stop", taskId, user, userName, places, invoke: a.type === "invoke" } : { kind: "ignore", reason: "an unknown card action" };
  }
  if (a.type !== "message") return { kind: "ignore", reason: `activity type ${a.type ?? "(none)"}` };
  if (!a.id || !a.conversation?.id) return { kind: "ignore", reason: "a message without id or conversation" };
  const { text, mentioned } = stripBotMention(a);
  const isDirect = a.conversation.conversationType === "personal";
  if (!text) return { kind: "ignore", reason: "an empty message" };
  const message: InboundMessage = {
    channel: CHANNEL,
    // Teams message ids are per conversation, so the conversation is part of the key.
    deliveryKey: `${a.conversation.id}|${a.id}`,
    thread: threadOf(a),
    messageId: a.id,
    user,
    places,
    text,
    addressed: mentioned || isDirect,
    isDirect,
  };
  return { kind: "message", message };
}
