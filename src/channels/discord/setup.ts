import { z } from "zod";
import { INTERACTIONS_PATH } from "./interactions.js";
import { KOI_COMMAND } from "./parse.js";

/** View Channel, Send Messages, Embed Links, Read Message History, Add Reactions, Send Messages in Threads. */
const PERMISSIONS = [10n, 11n, 14n, 16n, 6n, 38n].reduce((sum, bit) => sum | (1n << bit), 0n);

const COMMAND = [
  {
    name: KOI_COMMAND,
    description: "Give openkoi a task",
    options: [{ type: 3, name: "task", description: "What should openkoi do?", required: true }],
    contexts: [0, 1],
  },
];

/** Setup runs before the table is complete, so it reads only what it needs, leniently. */
const setupSchema = z.object({ application_id: z.string().optional(), public_key: z.string().optional(), api_url: z.string().optional() }).catch({});

/** `openkoi setup discord`: the Developer Portal steps and the one command registration, printed (takes the raw `[channels.discord]`). */
export function setupInstructions(rawConfig: unknown, publicUrl: string): string {
  const config = setupSchema.parse(rawConfig ?? {});
  const app = config.application_id ?? "<APPLICATION_ID>";
  const apiUrl = (config.api_url ?? "https://discord.com/api").replace(/\/+$/, "");
  const endpoint = `${publicUrl.replace(/\/+$/, "")}${INTERACTIONS_PATH}`;
  return [
    `Discord setup for application ${app}:`,
    ...(config.application_id ? [] : ["   (set channels.discord.application_id from the Developer Portal's General Information first)"]),
    "",
    `1. https://discord.com/developers/applications/${app}/bot — turn on "Message Content Intent" (follow-ups in threads the bot works in),`,
    '   and keep the token outside the config file: bot_token = "{env:DISCORD_BOT_TOKEN}".',
    `2. Invite the bot: https://discord.com/oauth2/authorize?client_id=${app}&scope=bot%20applications.commands&permissions=${PERMISSIONS}`,
    config.public_key
      ? `3. General Information → Interactions Endpoint URL: ${endpoint}\n   (the hub must be running there: Discord checks it with a signed PING when you save)`
      : "3. No public_key is set, so /koi and Stop clicks arrive over the gateway; leave Interactions Endpoint URL empty.",
    `4. Register the /${KOI_COMMAND} command once:`,
    `   curl -X PUT "${apiUrl}/v10/applications/${app}/commands" \\`,
    '     -H "Authorization: Bot $DISCORD_BOT_TOKEN" -H "Content-Type: application/json" \\',
    `     -d '${JSON.stringify(COMMAND)}'`,
    "",
    `Then mention the bot, DM it, or use /${KOI_COMMAND}. Check with: openkoi doctor`,
  ].join("\n");
}
