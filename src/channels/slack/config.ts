import { z } from "zod";
import { parseConfigTable } from "../../core/config-table.js";
import { policyShape } from "../policy.js";

const BOT_TOKEN = 'set the bot token, e.g. bot_token = "{env:SLACK_BOT_TOKEN}" (OAuth & Permissions → Bot User OAuth Token, xoxb-…)';
const NEEDS_ONE = 'set signing_secret = "{env:SLACK_SIGNING_SECRET}" for the Events API over HTTP, or app_token = "{env:SLACK_APP_TOKEN}" for Socket Mode';

/** `[channels.slack]`; secrets arrive resolved from `{env:NAME}` by the config loader. */
export const slackConfigSchema = z
  .strictObject({
    ...policyShape,
    bot_token: z.string({ error: BOT_TOKEN }).min(1, BOT_TOKEN),
    /** Basic Information → Signing Secret: verifies `POST /channels/slack/events` and `/interactions`. */
    signing_secret: z.string().min(1).optional(),
    /** An app-level token (xapp-…, scope connections:write): Socket Mode, for hubs without a public URL. */
    app_token: z.string().startsWith("xapp-", "an app-level token starts with xapp-").optional(),
    /** The Web API root (GovSlack: https://slack-gov.com/api/; tests: a loopback fake). */
    api_url: z.url().default("https://slack.com/api/"),
  })
  .refine((c) => c.signing_secret !== undefined || c.app_token !== undefined, { message: NEEDS_ONE, path: ["signing_secret"] });

export type SlackChannelConfig = z.infer<typeof slackConfigSchema>;

/** Validates the `[channels.slack]` table; problems read `channels.slack.<key>: message`. */
export function parseSlackConfig(raw: unknown): SlackChannelConfig {
  return parseConfigTable("channels.slack", slackConfigSchema, raw);
}
