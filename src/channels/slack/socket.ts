import type { LogLevel, Logger as SlackLogger } from "@slack/bolt";
import { errorMessage, OpenKoiError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import { ChannelConfigError } from "../health.js";
import type { SlackInbound } from "./parse.js";
import { parseSlack } from "./parse.js";

/** Bolt/Web API/Socket Mode log through ours; their info chatter is our debug. */
export function slackLogger(logger: Logger, levels: typeof LogLevel): SlackLogger {
  const line = (parts: unknown[]) => `slack: ${parts.map((p) => (typeof p === "string" ? p : errorMessage(p))).join(" ")}`;
  return {
    debug: (...parts: unknown[]) => logger.debug(line(parts)),
    info: (...parts: unknown[]) => logger.debug(line(parts)),
    warn: (...parts: unknown[]) => logger.warn(line(parts)),
    error: (...parts: unknown[]) => logger.error(line(parts)),
    setLevel: () => {},
    getLevel: () => levels.INFO,
    setName: () => {},
  };
}

export interface SocketModeOptions {
  appToken: string;
  clientOptions: { slackApiUrl: string; logger: SlackLogger; retryConfig: { retries: number } };
  logger: Logger;
  /** Durable hand-off to the hub; the envelope is acked only after it resolves. */
  handle(inbound: SlackInbound): Promise<unknown>;
}

type Json = Record<string, unknown>;
const AUTH_ERRORS = new Set(["invalid_auth", "not_authed", "token_revoked", "account_inactive", "not_allowed_token_type"]);
const obj = (v: unknown): Json => (v && typeof v === "object" ? (v as Json) : {});

/**
 * Socket Mode: `apps.connections.open` → WebSocket → envelopes. Bolt's SocketModeReceiver is used only for its
 * SocketModeClient (no Bolt App), so each envelope is acked after `ctx.receive` stored it, not before.
 */
export async function startSocketMode(options: SocketModeOptions): Promise<{ stop(): Promise<void> }> {
  const { SocketModeReceiver } = await import("@slack/bolt");
  const receiver = new SocketModeReceiver({
    appToken: options.appToken,
    logger: options.clientOptions.logger,
    installerOptions: { clientOptions: options.clientOptions },
  });
  const client = receiver.client;
  client.on("slack_event", (args: unknown) => {
    const envelope = obj(args);
    const ack = envelope.ack as (() => Promise<void>) | undefined;
    void (async () => {
      await options.handle(parseSlack(obj(envelope.body)));
      await ack?.();
    })().catch((error: unknown) =>
      options.logger.warn(`slack: socket mode envelope ${String(envelope.envelope_id)} not acked (Slack will retry): ${errorMessage(error)}`),
    );
  });
  try {
    await client.start();
  } catch (error) {
    await client.disconnect().catch(() => undefined);
    const said = (error as { data?: { error?: unknown } } | null)?.data?.error;
    // A rejected app token is the operator's to fix (the channel is failed); anything else is retried.
    if (typeof said === "string" && AUTH_ERRORS.has(said))
      throw new ChannelConfigError(`Slack said ${said} to apps.connections.open`, "check channels.slack.app_token (xapp-…, scope connections:write)", {
        cause: error,
      });
    throw new OpenKoiError(
      "SLACK_SOCKET_MODE",
      `Slack Socket Mode could not connect: ${errorMessage(error)}: check channels.slack.app_token (xapp-…, scope connections:write) and channels.slack.api_url`,
      { cause: error },
    );
  }
  return { stop: () => client.disconnect() };
}
