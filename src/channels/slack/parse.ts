import type { InboundMessage } from "../types.js";

export const CHANNEL = "slack";
export const STOP_ACTION = "openkoi_stop";
/** 🛑 in Slack's emoji names. */
export const STOP_REACTION = "octagonal_sign";

/** What one Slack delivery (Events API, interactivity, or a Socket Mode envelope) asks of the adapter. */
export type SlackInbound =
  | { kind: "challenge"; challenge: string }
  | { kind: "message"; message: InboundMessage }
  | { kind: "stop-task"; taskId: string; userId: string; by: string; places: string[] }
  | { kind: "stop-message"; messageId: string; userId: string; places: string[] }
  | { kind: "ignore"; reason: string };

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.map(obj) : []);
const places = (...ids: Array<string | undefined>) => ids.filter((id): id is string => id !== undefined);

/** The raw body as JSON (Events API) or form fields (`payload=` for interactivity); undefined when malformed. */
export function parseBody(raw: string, contentType: string): Json | undefined {
  try {
    if (contentType.includes("application/x-www-form-urlencoded")) {
      const form = new URLSearchParams(raw);
      const payload = form.get("payload");
      return payload === null ? Object.fromEntries(form) : obj(JSON.parse(payload));
    }
    return obj(JSON.parse(raw));
  } catch {
    return undefined;
  }
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Slack's message text as plain text: the bot's mention removed, links unwrapped, entities decoded. */
export function plainText(text: string, botUser: string | undefined): string {
  // The bot's id comes from the payload: escaped, so `U(` is a name, not a broken pattern.
  const mention = botUser ? new RegExp(`<@${escapeRegExp(botUser)}(\\|[^>]*)?>`, "g") : /^\s*<@[UW][A-Z0-9]+(\|[^>]*)?>/;
  return text
    .replace(mention, "")
    .replace(/<((?:https?|mailto):[^|>]+)(?:\|[^>]*)?>/g, "$1")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .trim();
}

/** Any Slack delivery body → what to do with it. */
export function parseSlack(body: Json): SlackInbound {
  if (body.ssl_check !== undefined) return { kind: "ignore", reason: "ssl_check" };
  const type = str(body.type);
  if (type === "url_verification") return { kind: "challenge", challenge: str(body.challenge) ?? "" };
  if (type === "event_callback") return parseEvent(body);
  if (type === "block_actions") return parseAction(body);
  return { kind: "ignore", reason: `unhandled payload type ${type ?? "(none)"}` };
}

function parseAction(body: Json): SlackInbound {
  const action = list(body.actions).find((a) => a.action_id === STOP_ACTION);
  const taskId = str(action?.value);
  const user = obj(body.user);
  const userId = str(user.id);
  if (!taskId || !userId) return { kind: "ignore", reason: "not an openkoi action" };
  const by = str(user.username) ?? str(user.name) ?? userId;
  return { kind: "stop-task", taskId, userId, by, places: places(str(obj(body.channel).id), str(obj(body.team).id)) };
}

function parseReaction(event: Json, team: string | undefined): SlackInbound {
  const item = obj(event.item);
  const messageId = str(item.ts);
  const userId = str(event.user);
  if (event.reaction !== STOP_REACTION || item.type !== "message" || !messageId || !userId) return { kind: "ignore", reason: "not a stop reaction" };
  return { kind: "stop-message", messageId, userId, places: places(str(item.channel), team) };
}

/** Subtypes that are a person saying something; edits, joins, deletions and bot posts are not. */
const SPOKEN = new Set([undefined, "file_share", "thread_broadcast"]);

function parseEvent(body: Json): SlackInbound {
  const event = obj(body.event);
  const team = str(body.team_id);
  if (event.type === "reaction_added") return parseReaction(event, team);
  if (event.type !== "app_mention" && event.type !== "message") return { kind: "ignore", reason: `unhandled event ${String(event.type)}` };
  const botUser = str(list(body.authorizations).find((a) => a.is_bot === true)?.user_id);
  const user = str(event.user);
  const channel = str(event.channel);
  const ts = str(event.ts);
  if (!user || !channel || !ts) return { kind: "ignore", reason: "event without user, channel or ts" };
  const own = user === botUser || (str(event.app_id) !== undefined && event.app_id === body.api_app_id);
  if (own) return { kind: "ignore", reason: "the bot's own message" };
  if (!SPOKEN.has(str(event.subtype))) return { kind: "ignore", reason: `message subtype ${String(event.subtype)}` };
  const text = str(event.text) ?? "";
  const isDirect = event.channel_type === "im";
  const threadTs = str(event.thread_ts);
  if (event.type === "message" && !isDirect) {
    // A mention arrives twice (app_mention and message.*); the app_mention copy is the one that counts.
    if (botUser && text.includes(`<@${botUser}`)) return { kind: "ignore", reason: "a mention (handled as app_mention)" };
    if (!threadTs) return { kind: "ignore", reason: "a channel message outside any thread" };
  }
  const message: InboundMessage = {
    channel: CHANNEL,
    deliveryKey: str(body.event_id) ?? `${channel}:${ts}`,
    thread: { channel: CHANNEL, conversation: channel, thread: threadTs ?? ts },
    messageId: ts,
    user,
    places: places(channel, team),
    text: plainText(text, botUser),
    addressed: event.type === "app_mention" || isDirect,
    isDirect,
  };
  return { kind: "message", message };
}
