import { z } from "zod";
import { parseConfigTable } from "../../core/config-table.js";
import { policyShape } from "../policy.js";

const TOKEN = 'set the bot token from the Developer Portal (Bot → Reset Token), e.g. bot_token = "{env:DISCORD_BOT_TOKEN}"';
const SNOWFLAKE = "the Application ID from the Developer Portal (General Information): a numeric id";
const PUBLIC_KEY = "the Public Key from the Developer Portal (General Information): 64 hex characters";

/** `[channels.discord]`; secrets arrive resolved from `{env:NAME}` by the config loader. */
export const discordConfigSchema = z
  .strictObject({
    ...policyShape,
    bot_token: z.string({ error: TOKEN }).min(1, TOKEN),
    application_id: z.string({ error: SNOWFLAKE }).regex(/^\d{5,25}$/, SNOWFLAKE),
    /** Only needed for the HTTP interactions endpoint; without it, interactions arrive over the gateway. */
    public_key: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, PUBLIC_KEY)
      .optional(),
    /** REST base (discord.js appends /v10); the gateway URL comes from its /gateway/bot. */
    api_url: z
      .url()
      .transform((url) => url.replace(/\/+$/, ""))
      .default("https://discord.com/api"),
    /** Keep a gateway connection (mentions, DMs, 🛑 reactions); off = interactions endpoint only. */
    gateway: z.boolean().default(true),
  })
  .superRefine((c, check) => {
    if (!c.gateway && !c.public_key)
      check.addIssue({
        code: "custom",
        path: ["public_key"],
        message: `needed when gateway = false (the interactions endpoint is then the only way in): ${PUBLIC_KEY}`,
      });
  });

export type DiscordChannelConfig = z.infer<typeof discordConfigSchema>;

export function parseDiscordConfig(raw: unknown): DiscordChannelConfig {
  return parseConfigTable("channels.discord", discordConfigSchema, raw);
}
