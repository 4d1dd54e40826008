import type { Client, Message, MessageReaction, PartialMessageReaction, PartialUser, User } from "discord.js";
import { errorMessage, OpenKoiError } from "../../core/errors.js";
import { ChannelConfigError } from "../health.js";
import { isAllowed } from "../policy.js";
import type { ChannelContext, ThreadApi } from "../types.js";
import type { DiscordChannelConfig } from "./config.js";
import { CHANNEL, type GatewayMessageFacts, parseGatewayMessage } from "./parse.js";

type DiscordJs = typeof import("discord.js");
const STOP_EMOJI = "🛑";
const READY_TIMEOUT_MS = 30_000;

/** Which conversation each of the bot's messages belongs to, so a reply to it continues there (bounded). */
export function createThreadMemory(limit = 5000) {
  const roots = new Map<string, string>();
  return {
    remember(messageId: string, root: string): void {
      roots.set(messageId, root);
      if (roots.size > limit) roots.delete(roots.keys().next().value as string);
    },
    get: (messageId: string) => roots.get(messageId),
  };
}
export type ThreadMemory = ReturnType<typeof createThreadMemory>;

/** Reads the plain facts parse.ts needs off a discord.js Message. */
export function messageFacts(message: Message, botId: string, memory: ThreadMemory): GatewayMessageFacts {
  const channel = message.channel;
  const botRoleIds = [...message.mentions.roles.values()].filter((r) => r.tags?.botId === botId).map((r) => r.id);
  const refId = message.reference?.messageId;
  let replyToBot: GatewayMessageFacts["replyToBot"];
  if (refId && message.mentions.repliedUser?.id === botId) {
    // After a restart the memory is empty: the cached bot message's own reference is the next best root.
    const cached = channel.messages.cache.get(refId);
    replyToBot = { threadRoot: memory.get(refId) ?? cached?.reference?.messageId ?? cached?.interactionMetadata?.id ?? refId };
  }
  return {
    id: message.id,
    channelId: message.channelId,
    guildId: message.guildId ?? undefined,
    parentId: channel.isThread() ? (channel.parentId ?? undefined) : undefined,
    channelKind: channel.isDMBased() ? "dm" : channel.isThread() ? "thread" : "channel",
    author: { id: message.author.id, name: message.author.displayName, bot: message.author.bot },
    automated: message.system || message.webhookId !== null,
    content: message.content,
    mentionsBot: message.mentions.users.has(botId) || botRoleIds.length > 0,
    botRoleIds,
    mentionNames: Object.fromEntries([...message.mentions.users.values()].map((u) => [u.id, u.displayName])),
    ...(replyToBot ? { replyToBot } : {}),
  };
}

export interface GatewayDeps {
  discord: DiscordJs;
  config: DiscordChannelConfig;
  ctx: ChannelContext;
  api: ThreadApi;
  memory: ThreadMemory;
  onInteraction(payload: unknown): Promise<void>;
  warn(message: string): void;
}

function stopByReaction(ctx: ChannelContext, client: Client, reaction: MessageReaction | PartialMessageReaction, user: User | PartialUser): void {
  if (reaction.emoji.name !== STOP_EMOJI || user.id === client.user?.id) return;
  const taskId = ctx.taskForMessage(CHANNEL, reaction.message.id);
  if (!taskId) return;
  const channel = client.channels.cache.get(reaction.message.channelId);
  const parent = channel?.isThread() ? channel.parentId : undefined;
  const places = [reaction.message.channelId, parent, reaction.message.guildId].filter((p): p is string => Boolean(p));
  if (!isAllowed(ctx.policy, user.id, places)) return;
  ctx.cancelTask(taskId, `stopped by ${user.username ?? user.id} with ${STOP_EMOJI}`);
}

function listen(client: Client, deps: GatewayDeps): void {
  const { discord, ctx, api, memory, warn } = deps;
  const { Events } = discord;
  const failed = (what: string) => (error: unknown) => warn(`discord: ${what}: ${errorMessage(error)}`);
  // Never let a throw escape an emitter listener (it would crash the hub); FIFO microtasks keep gateway order.
  const safely = (what: string, work: () => unknown) => void Promise.resolve().then(work).catch(failed(what));
  client.on(Events.MessageCreate, (message) =>
    safely(`could not take message ${message.id}`, () => {
      const botId = client.user?.id;
      const inbound = botId ? parseGatewayMessage(messageFacts(message, botId, memory), botId) : undefined;
      return inbound && ctx.receive(inbound, api);
    }),
  );
  client.on(Events.MessageReactionAdd, (reaction, user) => safely("could not handle a reaction", () => stopByReaction(ctx, client, reaction, user)));
  client.on(Events.Raw, (packet: { t?: string | null; d?: unknown }) => {
    if (packet.t === "INTERACTION_CREATE") safely("could not answer an interaction", () => deps.onInteraction(packet.d));
  });
  client.on(Events.Error, failed("gateway error"));
}

/** Gateway close codes only the operator can fix (4004 bad token, 4013/4014 intents), with what to change. */
const FATAL_CLOSES: Record<number, string> = {
  4004: "check channels.discord.bot_token",
  4013: 'enable "Message Content Intent" for the bot in the Developer Portal (or set channels.discord.gateway = false)',
  4014: 'enable "Message Content Intent" for the bot in the Developer Portal (or set channels.discord.gateway = false)',
};

/** A login/close failure as the supervisor's vocabulary: configuration (failed, with the fix) or transient (retried). */
function gatewayError(error: unknown): Error {
  if (error instanceof ChannelConfigError) return error;
  const e = error as { code?: unknown; status?: unknown };
  if (e?.code === "TokenInvalid" || e?.status === 401)
    return new ChannelConfigError(`Discord rejected the bot token (${errorMessage(error)})`, "check channels.discord.bot_token", { cause: error });
  const answered = typeof e?.status === "number" ? `Discord answered ${e.status} ` : "";
  return new OpenKoiError(
    "DISCORD_GATEWAY",
    `Discord gateway login failed: ${answered}${errorMessage(error)}; retrying (check channels.discord.api_url and the network)`,
    {
      cause: error,
    },
  );
}

/**
 * Logs in over the gateway (its URL from `<api_url>/v10/gateway/bot`) and resolves once READY. `signal` aborts a
 * login in flight (the hub is stopping); `lost` hears of a connection discord.js gave up on after READY.
 */
export async function connectGateway(deps: GatewayDeps, signal?: AbortSignal, lost?: (error: unknown) => void): Promise<{ stop(): Promise<void> }> {
  const { Client, Events, GatewayIntentBits: I, Partials } = deps.discord;
  const client = new Client({
    intents: [I.Guilds, I.GuildMessages, I.MessageContent, I.DirectMessages, I.GuildMessageReactions, I.DirectMessageReactions],
    // DMs and reactions on messages from before a restart arrive for uncached channels/messages.
    partials: [Partials.Channel, Partials.Message, Partials.Reaction, Partials.User],
    rest: { api: deps.config.api_url },
  });
  listen(client, deps);
  let timer: NodeJS.Timeout | undefined;
  let isReady = false;
  let onAbort: (() => void) | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    client.once(Events.ClientReady, () => {
      isReady = true;
      resolve();
    });
    // discord.js does not reconnect after these closes; before READY they fail the login, after it the connection.
    client.on(Events.ShardDisconnect, (event: { code: number }) => {
      const fix = FATAL_CLOSES[event.code];
      const error = fix
        ? new ChannelConfigError(`Discord closed the gateway with ${event.code}`, fix)
        : new OpenKoiError("DISCORD_GATEWAY", `Discord closed the gateway with ${event.code}`);
      if (isReady) lost?.(error);
      else reject(error);
    });
    timer = setTimeout(() => reject(new Error(`no READY within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
    onAbort = () => reject(new OpenKoiError("DISCORD_GATEWAY", "Discord gateway login abandoned: the hub is stopping"));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
  try {
    await Promise.all([client.login(deps.config.bot_token), ready]);
  } catch (error) {
    await client.destroy();
    throw gatewayError(error);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener("abort", onAbort);
  }
  return { stop: () => client.destroy() };
}
