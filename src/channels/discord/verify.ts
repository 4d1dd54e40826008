import { createPublicKey, type KeyObject, verify } from "node:crypto";
import { VerificationError } from "../../core/errors.js";

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the Developer Portal shows only the raw 32 key bytes. */
const SPKI_ED25519_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

export function publicKeyFromHex(hex: string): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, Buffer.from(hex, "hex")]), format: "der", type: "spki" });
}

/**
 * Discord signs `timestamp + raw body` with Ed25519. Throws VerificationError (→ 401, which Discord's
 * endpoint check requires for its deliberately bad signatures). No timestamp window: a replayed /koi is
 * deduplicated by interaction id and a replayed Stop is harmless, while a skewed clock would reject everything.
 */
export function verifyInteraction(rawBody: string, signature: string | undefined, timestamp: string | undefined, key: KeyObject): void {
  if (!signature || !timestamp || !/^[0-9a-f]{128}$/i.test(signature)) {
    throw new VerificationError("Discord interaction without a valid X-Signature-Ed25519 / X-Signature-Timestamp header");
  }
  const ok = verify(null, Buffer.from(timestamp + rawBody, "utf8"), key, Buffer.from(signature, "hex"));
  if (!ok) throw new VerificationError("Discord interaction signature did not verify: check channels.discord.public_key matches the application's Public Key");
}
