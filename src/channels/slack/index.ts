import { createLogger, type Logger } from "../../core/logger.js";
import type { ChannelAdapter, ChannelContext, ChannelFactory } from "../types.js";
import { checkSlack, createSlackApi } from "./api.js";
import { parseSlackConfig, type SlackChannelConfig } from "./config.js";
import { mountSlackRoutes } from "./http.js";
import { dispatchSlack } from "./inbound.js";
import { CHANNEL } from "./parse.js";
import { slackLogger, startSocketMode } from "./socket.js";

export type { SlackChannelConfig } from "./config.js";
export { setupInstructions } from "./setup.js";

export interface SlackChannelOptions {
  logger?: Logger;
}

/**
 * Slack: the Events API and interactivity over HTTP (when `signing_secret` is set) and/or Socket Mode
 * (when `app_token` is set); answers through the Web API. The SDK is loaded here, only when configured.
 */
export async function createSlackChannel(config: SlackChannelConfig, ctx: ChannelContext, options: SlackChannelOptions = {}): Promise<ChannelAdapter> {
  const logger = options.logger ?? ctx.logger ?? createLogger("silent");
  const bolt = await import("@slack/bolt");
  // No SDK retries: chat.postMessage is not idempotent (a retried post can land twice), and the reply sink
  // (the one retry owner) waits out 429s and re-renders on the next event.
  const clientOptions = { slackApiUrl: config.api_url, logger: slackLogger(logger, bolt.LogLevel), retryConfig: { retries: 0 } };
  // A bare WebClient, not a Bolt App: nothing calls auth.test at construction (the recipe's gotcha).
  const client = new bolt.webApi.WebClient(config.bot_token, { ...clientOptions, rejectRateLimitedCalls: true, timeout: 15_000 });
  const api = createSlackApi(client);
  let socket: { stop(): Promise<void> } | undefined;
  const { signing_secret: signingSecret, app_token: appToken } = config;
  return {
    name: CHANNEL,
    api,
    mount: signingSecret ? (app) => mountSlackRoutes(app, { signingSecret, ctx, api, logger }) : undefined,
    start: appToken
      ? async () => {
          socket = await startSocketMode({
            appToken,
            clientOptions,
            logger,
            handle: async (inbound) => (inbound.kind === "challenge" ? undefined : dispatchSlack(inbound, ctx, api)),
          });
        }
      : undefined,
    async stop() {
      await socket?.stop();
      socket = undefined;
    },
    check: () => checkSlack(client),
  };
}

export const createChannel: ChannelFactory = async (rawConfig, ctx) => createSlackChannel(parseSlackConfig(rawConfig), ctx);
