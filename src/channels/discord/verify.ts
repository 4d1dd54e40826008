import { createPublicKey, type KeyObject, verify } from "node:crypto";
import { VerificationError } from "../../core/errors.js";

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the Developer Portal shows only the raw 32 key bytes. */
const SPKI_ED25519_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

export function publicKeyFromHex(hex: string): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, Buffer.from(hex, "hex")]), format: "der", type: "spki" });
}

/** How far an interaction's signed timestamp may be from our clock (Slack's replay window, for the same reason). */
export const MAX_SKEW_SECONDS = 5 * 60;

/**
 * Discord signs `timestamp + raw body` with Ed25519. Throws VerificationError (→ 401, which Discord's
 * endpoint check requires for its deliberately bad signatures). The timestamp must be within ±5 minutes of
 * `nowMs`: a captured, validly signed `/koi` must not run a day later (dedupe by id only holds while remembered).
 */
export function verifyInteraction(
  rawBody: string,
  signature: string | undefined,
  timestamp: string | undefined,
  key: KeyObject,
  nowMs: number = Date.now(),
): void {
  if (!signature || !timestamp || !/^[0-9a-f]{128}$/i.test(signature)) {
    throw new VerificationError("Discord interaction without a valid X-Signature-Ed25519 / X-Signature-Timestamp header");
  }
  const ok = verify(null, Buffer.from(timestamp + rawBody, "utf8"), key, Buffer.from(signature, "hex"));
  if (!ok) throw new VerificationError("Discord interaction signature did not verify: check channels.discord.public_key matches the application's Public Key");
  // Checked after the signature, so only Discord's own (old or future-dated) requests hear about the clock.
  const seconds = /^\d{1,15}$/.test(timestamp) ? Number(timestamp) : Number.NaN;
  if (!(Math.abs(nowMs / 1000 - seconds) <= MAX_SKEW_SECONDS)) {
    throw new VerificationError("Discord interaction timestamp is more than 5 minutes off: a replay, or this host's clock is wrong");
  }
}
