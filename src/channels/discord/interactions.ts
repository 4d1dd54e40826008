import type { KeyObject } from "node:crypto";
import type { REST } from "discord.js";
import type { Hono } from "hono";
import { isAllowed } from "../policy.js";
import type { ChannelContext, InboundMessage, ThreadApi } from "../types.js";
import { discordError } from "./api.js";
import { interactionSchema, parseInteraction } from "./parse.js";
import { type DiscordMessageBody, NO_MENTIONS } from "./render.js";
import { verifyInteraction } from "./verify.js";

/** PONG, an ephemeral/visible message, deferred "thinking…", or a silent ack of a button click. */
export type InteractionResponse = { type: 1 } | { type: 4; data: DiscordMessageBody } | { type: 5 } | { type: 6 };

export const INTERACTIONS_PATH = "/channels/discord/interactions";
const EPHEMERAL = 64;

const ephemeral = (content: string): InteractionResponse => ({
  type: 4,
  data: { content: content.slice(0, 2000), flags: EPHEMERAL, allowed_mentions: NO_MENTIONS },
});

export type InteractionHandler = (payload: unknown) => Promise<InteractionResponse>;

/** One handler for both transports (the HTTP endpoint and gateway INTERACTION_CREATE); it only stores, never waits on work. */
export function createInteractionHandler(deps: { ctx: ChannelContext; api: ThreadApi; now?: () => number }): InteractionHandler {
  const { ctx } = deps;
  const now = deps.now ?? Date.now;

  async function command(message: InboundMessage): Promise<InteractionResponse> {
    // Refusals are said in the interaction response itself: a follow-up before it would be rejected.
    const said: string[] = [];
    const api: ThreadApi = { ...deps.api, postText: async (_thread, text) => void said.push(text) };
    const outcome = await ctx.receive(message, api);
    if (said.length) return ephemeral(said.join("\n\n"));
    switch (outcome.kind) {
      case "queued":
        return { type: 5 };
      case "duplicate":
        return ephemeral("I'm already working on that.");
      case "stopped":
        return ephemeral(outcome.taskId ? "Stopping the task." : "There is no running task here to stop.");
      default:
        return ephemeral(`Not started: ${outcome.reason}.`);
    }
  }

  return async (payload) => {
    const parsed = parseInteraction(payload, now());
    switch (parsed.kind) {
      case "ping":
        return { type: 1 };
      case "command":
        return command(parsed.message);
      case "stop":
        if (!isAllowed(ctx.policy, parsed.user, parsed.places))
          return ephemeral("Only users allowed by channels.discord.allow_users / allow_channels can stop tasks here.");
        return ctx.cancelTask(parsed.taskId, `stopped by ${parsed.userName}`) ? { type: 6 } : ephemeral("That task has already finished.");
      default:
        return ephemeral(parsed.reply);
    }
  };
}

/** `POST /channels/discord/interactions`: verify the raw body, answer in the response (Discord allows 3 s). */
export function mountInteractions(app: Hono, key: KeyObject, handle: InteractionHandler, now: () => number = Date.now): void {
  app.post(INTERACTIONS_PATH, async (c) => {
    const raw = await c.req.text();
    verifyInteraction(raw, c.req.header("x-signature-ed25519"), c.req.header("x-signature-timestamp"), key, now());
    let payload: unknown;
    try {
      payload = JSON.parse(raw);
    } catch {
      return c.json({ error: { code: "BAD_REQUEST", message: "The interaction body is not JSON." } }, 400);
    }
    // Discord never retries an interaction: a signed body we cannot read is refused, not answered with a guess.
    const shape = interactionSchema.safeParse(payload);
    if (!shape.success) {
      const issue = shape.error.issues[0];
      const where = `${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`;
      return c.json({ error: { code: "INVALID_PAYLOAD", message: `The interaction does not have the expected shape: ${where}` } }, 400);
    }
    return c.json(await handle(payload));
  });
}

/** Interactions that arrive over the gateway (no endpoint URL set in the portal) are answered by a callback. */
export async function answerGatewayInteraction(rest: REST, apiUrl: string, payload: unknown, handle: InteractionHandler): Promise<void> {
  const parsed = interactionSchema.safeParse(payload);
  if (!parsed.success) return;
  const response = await handle(payload);
  const route = `/interactions/${parsed.data.id}/${parsed.data.token}/callback` as const;
  try {
    await rest.post(route, { body: response, auth: false });
  } catch (error) {
    throw discordError(error, `POST /interactions/${parsed.data.id}/…/callback`, apiUrl);
  }
}
