import type { TurnContext } from "botbuilder";
import type { Hono } from "hono";
import { isAllowed } from "../policy.js";
import type { ChannelAdapter, ChannelContext, ChannelFactory, ThreadApi } from "../types.js";
import { createTeamsApi } from "./api.js";
import { authOptions, createCredentialsFactory, createTokenSource } from "./auth.js";
import { assertAuthenticated, parseTeamsConfig, tokenEndpoint } from "./config.js";
import { CHANNEL, parseActivity, type TeamsActivity } from "./parse.js";
import { MESSAGES_PATH, messagesHandler } from "./route.js";

export type { TeamsChannelConfig } from "./config.js";
export { MESSAGES_PATH } from "./route.js";

const STOPPING = { statusCode: 200, type: "application/vnd.microsoft.activity.message", value: "Stopping the task." };

/** One inbound turn: parse into plain data, hand it to the hub (durable, milliseconds), and let the adapter ack. */
async function onTurn(turn: TurnContext, ctx: ChannelContext, api: ThreadApi): Promise<void> {
  const event = parseActivity(turn.activity as TeamsActivity);
  if (event.kind === "message") {
    await ctx.receive(event.message, api);
    return;
  }
  if (event.kind === "stop") {
    if (isAllowed(ctx.policy, event.user, event.places)) ctx.cancelTask(event.taskId, `stopped by ${event.userName}`);
    if (event.invoke) await turn.sendActivity({ type: "invokeResponse", value: { status: 200, body: STOPPING } });
    return;
  }
  if (event.kind === "stop-reaction") {
    const taskId = ctx.taskForMessage(CHANNEL, event.messageId);
    if (taskId && isAllowed(ctx.policy, event.user, event.places)) ctx.cancelTask(taskId, `stopped by ${event.userName} (🛑 reaction)`);
  }
}

/** Microsoft Teams through botbuilder's CloudAdapter: `POST /channels/teams/messages`, Bot Framework JWT when app_id is set. */
export const createChannel: ChannelFactory = async (rawConfig, ctx): Promise<ChannelAdapter> => {
  const config = parseTeamsConfig(rawConfig);
  assertAuthenticated(config);
  const { CloudAdapter, ConfigurationBotFrameworkAuthentication } = await import("botbuilder");
  const tokens = createTokenSource(config);
  const auth = new ConfigurationBotFrameworkAuthentication(authOptions(config), createCredentialsFactory(config, tokens));
  const adapter = new CloudAdapter(auth);
  const api = createTeamsApi(adapter, config.app_id ?? "");

  return {
    name: CHANNEL,
    api,
    mount(app: Hono) {
      app.post(MESSAGES_PATH, messagesHandler({ auth, adapter, logic: (turn) => onTurn(turn, ctx, api), logger: ctx.logger }));
    },
    async check() {
      if (!config.app_id) {
        return `Teams: WARNING no app_id, so inbound activities are not authenticated (Bot Framework Emulator mode); set channels.teams.app_id and app_password before exposing ${MESSAGES_PATH}`;
      }
      await tokens.token(config.oauth_scope);
      return `Teams: bot ${config.app_id} got a token from ${tokenEndpoint(config)}`;
    },
  };
};
