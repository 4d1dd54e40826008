import { z } from "zod";
import { parseConfigTable } from "../../core/config-table.js";
import { policyShape } from "../policy.js";

export const TELEGRAM_API_ROOT = "https://api.telegram.org";

const schema = z
  .strictObject({
    ...policyShape,
    bot_token: z.string().regex(/^\d+:[A-Za-z0-9_-]+$/, "expected the token @BotFather gave you, like 123456789:AAE…"),
    /** Sent back by Telegram in X-Telegram-Bot-Api-Secret-Token; setWebhook's secret_token rules apply. */
    webhook_secret: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,256}$/, "use 1-256 characters from A-Z, a-z, 0-9, _ and - (Telegram's secret_token rule)")
      .optional(),
    mode: z.enum(["webhook", "polling"]).default("webhook"),
    /** The Bot API server (a local telegram-bot-api server or a proxy); no trailing slash is needed. */
    api_root: z
      .url({ protocol: /^https?$/ })
      .default(TELEGRAM_API_ROOT)
      .transform((url) => url.replace(/\/+$/, "")),
    /** Least time between two getUpdates calls: a proxy or local server that ignores `timeout` answers at once. */
    poll_min_interval_ms: z.number().int().min(0).max(60_000).default(500),
  })
  .superRefine((config, issues) => {
    if (config.mode === "webhook" && !config.webhook_secret) {
      issues.addIssue({
        code: "custom",
        path: ["webhook_secret"],
        message: 'required in webhook mode, so forged updates are refused; set it (e.g. "{env:TELEGRAM_WEBHOOK_SECRET}") or use mode = "polling"',
      });
    }
  });

export type TelegramConfig = z.output<typeof schema>;

/** Validates `[channels.telegram]` (secrets already resolved by the loader). */
export function parseTelegramConfig(raw: unknown): TelegramConfig {
  return parseConfigTable("channels.telegram", schema, raw);
}
