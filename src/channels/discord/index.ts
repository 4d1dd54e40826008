import type { REST } from "discord.js";
import { createLogger } from "../../core/logger.js";
import type { ChannelAdapter, ChannelContext } from "../types.js";
import { createDiscordApi, discordError } from "./api.js";
import { type DiscordChannelConfig, parseDiscordConfig } from "./config.js";
import { connectGateway, createThreadMemory } from "./gateway.js";
import { answerGatewayInteraction, createInteractionHandler, mountInteractions } from "./interactions.js";
import { CHANNEL } from "./parse.js";
import { publicKeyFromHex } from "./verify.js";

export type { DiscordChannelConfig } from "./config.js";
export { setupInstructions } from "./setup.js";

async function check(rest: REST, config: DiscordChannelConfig): Promise<string> {
  let me: unknown;
  try {
    me = await rest.get("/users/@me");
  } catch (error) {
    throw discordError(error, "GET /users/@me", config.api_url);
  }
  const { id, username } = (me ?? {}) as { id?: string; username?: string };
  const note = id && id !== config.application_id ? ` (its user id differs from channels.discord.application_id ${config.application_id}: check that too)` : "";
  return `Discord: connected as ${username ?? "?"} (${id ?? "?"}) at ${config.api_url}${note}`;
}

/** The Discord channel: gateway (mentions, DMs, 🛑) + interactions (/koi, Stop) in, embeds out; discord.js loads here. */
export async function createChannel(rawConfig: unknown, ctx: ChannelContext): Promise<ChannelAdapter> {
  const config = parseDiscordConfig(rawConfig);
  const discord = await import("discord.js");
  const rest = new discord.REST({ api: config.api_url }).setToken(config.bot_token);
  const memory = createThreadMemory();
  const api = createDiscordApi({
    rest,
    applicationId: config.application_id,
    apiUrl: config.api_url,
    onPosted: (id, thread) => thread.thread && memory.remember(id, thread.thread),
  });
  const handle = createInteractionHandler({ ctx, api });
  const key = config.public_key ? publicKeyFromHex(config.public_key) : undefined;
  const logger = ctx.logger ?? createLogger("warn");
  let gateway: { stop(): Promise<void> } | undefined;
  let connecting: AbortController | undefined;
  return {
    name: CHANNEL,
    api,
    ...(key ? { mount: (app) => mountInteractions(app, key, handle) } : {}),
    async start(events) {
      if (!config.gateway || gateway) return;
      connecting = new AbortController();
      const deps = {
        discord,
        config,
        ctx,
        api,
        memory,
        onInteraction: (payload: unknown) => answerGatewayInteraction(rest, config.api_url, payload, handle),
        warn: (message: string) => logger.warn(message),
      };
      gateway = await connectGateway(deps, connecting.signal, (error) => events?.lost(error));
    },
    async stop() {
      connecting?.abort();
      await gateway?.stop();
      gateway = undefined;
    },
    check: () => check(rest, config),
  };
}
