import type { SlackChannelConfig } from "./config.js";
import { EVENTS_PATH, INTERACTIONS_PATH } from "./http.js";

const BOT_SCOPES = ["app_mentions:read", "chat:write", "reactions:read", "reactions:write", "channels:history", "groups:history", "im:history", "mpim:history"];
const BOT_EVENTS = ["app_mention", "message.channels", "message.groups", "message.im", "message.mpim", "reaction_added"];

/** A Slack app manifest for this hub: HTTP request URLs under `publicUrl`, or Socket Mode when `app_token` is set. */
export function slackManifest(config: Partial<SlackChannelConfig>, publicUrl: string): Record<string, unknown> {
  const base = publicUrl.replace(/\/+$/, "");
  const socketMode = config.app_token !== undefined;
  const url = (path: string) => (socketMode ? {} : { request_url: `${base}${path}` });
  return {
    display_information: { name: "openkoi", description: "Self-reviewing AI agent: @mention it to run a task" },
    features: {
      bot_user: { display_name: "openkoi", always_online: true },
      app_home: { messages_tab_enabled: true, messages_tab_read_only_enabled: false },
    },
    oauth_config: { scopes: { bot: BOT_SCOPES } },
    settings: {
      event_subscriptions: { ...url(EVENTS_PATH), bot_events: BOT_EVENTS },
      interactivity: { is_enabled: true, ...url(INTERACTIONS_PATH) },
      socket_mode_enabled: socketMode,
      org_deploy_enabled: false,
      token_rotation_enabled: false,
    },
  };
}

/** What `openkoi setup slack` prints: the manifest and the few clicks around it. */
export function setupInstructions(config: Partial<SlackChannelConfig>, publicUrl: string): string {
  const socketMode = config.app_token !== undefined;
  const secretStep = socketMode
    ? "4. Basic Information → App-Level Tokens → Generate (scope connections:write) → export SLACK_APP_TOKEN=xapp-…"
    : "4. Basic Information → Signing Secret → export SLACK_SIGNING_SECRET=…";
  const secretLine = socketMode ? 'app_token = "{env:SLACK_APP_TOKEN}"' : 'signing_secret = "{env:SLACK_SIGNING_SECRET}"';
  return [
    "1. Open https://api.slack.com/apps?new_app=1 → From a manifest → pick the workspace → paste this JSON:",
    "",
    JSON.stringify(slackManifest(config, publicUrl), null, 2),
    "",
    "2. Create → Install to Workspace → Allow.",
    "3. OAuth & Permissions → Bot User OAuth Token → export SLACK_BOT_TOKEN=xoxb-…",
    secretStep,
    "5. In config.toml:",
    "",
    "   [channels.slack]",
    '   bot_token = "{env:SLACK_BOT_TOKEN}"',
    `   ${secretLine}`,
    "",
    socketMode
      ? "6. Start the hub (openkoi serve); it connects out to Slack, no public URL needed."
      : `6. Start the hub (openkoi serve) so ${publicUrl.replace(/\/+$/, "")}${EVENTS_PATH} answers Slack's URL check (Event Subscriptions shows "Verified").`,
    "7. Invite the bot where it should listen: /invite @openkoi — then @openkoi a task in a channel, or DM it.",
  ].join("\n");
}
