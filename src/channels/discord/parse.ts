import { z } from "zod";
import type { ThreadRef } from "../../core/task.js";
import type { InboundMessage } from "../types.js";
import { parseCustomId, STOP_ACTION } from "./render.js";

export const CHANNEL = "discord";
export const KOI_COMMAND = "koi";
/** Interaction tokens live 15 minutes; stop using one a little before that. */
export const INTERACTION_TOKEN_MS = 14 * 60_000;

/** What the gateway glue reads off a discord.js Message: plain data, so parsing is testable without a client. */
export interface GatewayMessageFacts {
  id: string;
  channelId: string;
  guildId?: string;
  /** The parent text channel when the message is in a thread. */
  parentId?: string;
  channelKind: "dm" | "thread" | "channel";
  author: { id: string; name: string; bot: boolean };
  /** Webhook posts and system messages (joins, pins) are never tasks. */
  automated: boolean;
  content: string;
  /** The bot's user mention, or a mention of its managed role. */
  mentionsBot: boolean;
  botRoleIds: string[];
  /** Mentioned users' display names, to make `<@id>` readable for the model. */
  mentionNames: Record<string, string>;
  /** Set when this replies to one of the bot's messages: the conversation that message belongs to. */
  replyToBot?: { threadRoot: string };
}

/** Strips the bot's mentions and turns other user mentions into `@name`. */
export function cleanContent(facts: Pick<GatewayMessageFacts, "content" | "botRoleIds" | "mentionNames">, botId: string): string {
  return facts.content
    .replace(new RegExp(`<@!?${botId}>`, "g"), "")
    .replace(/<@&(\d+)>/g, (whole, id: string) => (facts.botRoleIds.includes(id) ? "" : whole))
    .replace(/<@!?(\d+)>/g, (whole, id: string) => {
      const name = facts.mentionNames[id];
      return name ? `@${name}` : whole;
    })
    .replace(/[ \t]{2,}/g, " ")
    .trim();
}

/**
 * A gateway message → InboundMessage, or undefined when it is none of ours (bots, system messages, empty).
 * Threads: a Discord thread or DM is one conversation; in a plain channel the conversation is the
 * triggering message, and a reply to one of the bot's messages continues that message's conversation.
 */
export function parseGatewayMessage(facts: GatewayMessageFacts, botId: string): InboundMessage | undefined {
  if (facts.author.bot || facts.automated || facts.author.id === botId) return undefined;
  const text = cleanContent(facts, botId);
  if (!text) return undefined;
  const isDirect = facts.channelKind === "dm";
  const root = facts.channelKind === "channel" ? (facts.replyToBot?.threadRoot ?? facts.id) : undefined;
  const thread: ThreadRef = { channel: CHANNEL, conversation: facts.channelId, ...(root ? { thread: root } : {}), extra: { reply_to: facts.id } };
  const places = [facts.channelId, facts.parentId, facts.guildId].filter((p): p is string => Boolean(p));
  return {
    channel: CHANNEL,
    deliveryKey: `msg:${facts.id}`,
    thread,
    messageId: facts.id,
    user: facts.author.id,
    places,
    text,
    addressed: isDirect || facts.mentionsBot || facts.replyToBot !== undefined,
    isDirect,
  };
}

const userSchema = z.object({ id: z.string(), username: z.string().optional(), global_name: z.string().nullish() });
const optionSchema = z.object({ name: z.string(), type: z.number(), value: z.unknown().optional() });

/** The parts of an interaction payload we use (unknown keys are dropped). */
export const interactionSchema = z.object({
  id: z.string(),
  application_id: z.string(),
  type: z.number().int(),
  token: z.string(),
  channel_id: z.string().optional(),
  guild_id: z.string().optional(),
  channel: z.object({ id: z.string(), parent_id: z.string().nullish() }).optional(),
  member: z.object({ user: userSchema }).optional(),
  user: userSchema.optional(),
  data: z.object({ name: z.string().optional(), custom_id: z.string().optional(), options: z.array(optionSchema).optional() }).optional(),
});

export type Interaction = z.infer<typeof interactionSchema>;

export type ParsedInteraction =
  | { kind: "ping" }
  | { kind: "command"; message: InboundMessage }
  | { kind: "stop"; taskId: string; user: string; userName: string; places: string[] }
  | { kind: "unsupported"; reply: string };

export const INTERACTION = { ping: 1, command: 2, component: 3 } as const;

function who(i: Interaction): { id: string; name: string } {
  const user = i.member?.user ?? i.user;
  return { id: user?.id ?? "unknown", name: user?.global_name || user?.username || user?.id || "someone" };
}

function placesOf(i: Interaction): string[] {
  return [i.channel_id, i.channel?.parent_id ?? undefined, i.guild_id].filter((p): p is string => Boolean(p));
}

function parseCommand(i: Interaction, now: number): ParsedInteraction {
  if (i.data?.name !== KOI_COMMAND) return { kind: "unsupported", reply: `I only know /${KOI_COMMAND}.` };
  const option = i.data.options?.find((o) => o.type === 3 && typeof o.value === "string");
  const text = typeof option?.value === "string" ? option.value.trim() : "";
  if (!text) return { kind: "unsupported", reply: `Tell me what to do: /${KOI_COMMAND} task: <what you want done>` };
  if (!i.channel_id) return { kind: "unsupported", reply: "This command needs a channel to answer in." };
  const user = who(i);
  const extra = { interaction_token: i.token, interaction_expires: String(now + INTERACTION_TOKEN_MS) };
  return {
    kind: "command",
    message: {
      channel: CHANNEL,
      deliveryKey: `ix:${i.id}`,
      thread: { channel: CHANNEL, conversation: i.channel_id, thread: i.id, extra },
      user: user.id,
      places: placesOf(i),
      text,
      addressed: true,
      isDirect: !i.guild_id,
    },
  };
}

/** An interaction (HTTP endpoint or gateway INTERACTION_CREATE) → what to do with it. */
export function parseInteraction(payload: unknown, now: number): ParsedInteraction {
  const result = interactionSchema.safeParse(payload);
  if (!result.success) return { kind: "unsupported", reply: "That interaction was not understood." };
  const i = result.data;
  if (i.type === INTERACTION.ping) return { kind: "ping" };
  if (i.type === INTERACTION.command) return parseCommand(i, now);
  if (i.type === INTERACTION.component) {
    const { action, value } = parseCustomId(i.data?.custom_id ?? "");
    if (action !== STOP_ACTION || !value) return { kind: "unsupported", reply: "That button is not one of mine." };
    const user = who(i);
    return { kind: "stop", taskId: value, user: user.id, userName: user.name, places: placesOf(i) };
  }
  return { kind: "unsupported", reply: "That kind of interaction is not supported." };
}
