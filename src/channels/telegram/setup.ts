import { parseTelegramConfig } from "./config.js";
import { WEBHOOK_PATH } from "./index.js";
import { ALLOWED_UPDATES } from "./polling.js";

const BOTFATHER = [
  "1. In Telegram, talk to @BotFather: /newbot gives the bot token (channels.telegram.bot_token).",
  "2. Add the bot to your groups. With privacy mode on (the default) it sees mentions, /commands and replies to its",
  "   own messages, which is all openkoi needs; turn it off (/setprivacy → Disable) only if follow-ups in an",
  "   engaged thread should work without replying to the bot.",
];

/** `openkoi setup telegram`: the Telegram-side steps, with the exact setWebhook call for this hub. */
export function setupInstructions(rawConfig: unknown, publicUrl: string): string {
  const config = parseTelegramConfig(rawConfig);
  if (config.mode === "polling") {
    return [
      ...BOTFATHER,
      "3. Nothing else: in polling mode openkoi calls deleteWebhook and getUpdates itself.",
      "   Run exactly one hub with this token (a second poller gets 409 Conflict); use webhook mode to scale out.",
    ].join("\n");
  }
  const url = `${publicUrl.replace(/\/+$/, "")}${WEBHOOK_PATH}`;
  const body = JSON.stringify({ url, secret_token: "SECRET", allowed_updates: ALLOWED_UPDATES }).replace('"SECRET"', `"'"$TELEGRAM_WEBHOOK_SECRET"'"`);
  const lines = [
    ...BOTFATHER,
    "3. Point the bot's webhook at this hub (export the same values as channels.telegram.bot_token / webhook_secret):",
    `   curl -sS "${config.api_root}/bot$TELEGRAM_BOT_TOKEN/setWebhook" -H 'content-type: application/json' \\`,
    `     -d '${body}'`,
    `   Telegram answers {"ok":true,...}; \`openkoi doctor\` then shows the webhook and any delivery error.`,
  ];
  if (!url.startsWith("https://")) lines.push(`   Note: Telegram only delivers to https:// URLs (ports 443, 80, 88 or 8443); ${url} will be refused.`);
  return lines.join("\n");
}
