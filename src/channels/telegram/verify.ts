import { createHash, timingSafeEqual } from "node:crypto";
import { VerificationError } from "../../core/errors.js";

export const SECRET_HEADER = "x-telegram-bot-api-secret-token";

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();

/** Telegram echoes setWebhook's secret_token in a header; compared in constant time (hashing evens out the lengths). */
export function verifySecretToken(header: string | undefined, secret: string): void {
  if (header === undefined || header === "") {
    throw new VerificationError(
      "Telegram webhook request without X-Telegram-Bot-Api-Secret-Token: was setWebhook called with secret_token = channels.telegram.webhook_secret?",
    );
  }
  if (!timingSafeEqual(digest(header), digest(secret))) {
    throw new VerificationError(
      "Telegram webhook secret token does not match channels.telegram.webhook_secret: run `openkoi setup telegram` again after changing it",
    );
  }
}
