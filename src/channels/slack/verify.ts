import { createHmac, timingSafeEqual } from "node:crypto";
import { VerificationError } from "../../core/errors.js";

/** Slack's replay window: requests older (or newer) than five minutes are refused. */
export const MAX_SKEW_SECONDS = 5 * 60;

export interface SlackSignatureInput {
  signingSecret: string;
  /** The exact bytes Slack sent, before any parsing. */
  rawBody: string;
  signature: string | undefined;
  timestamp: string | undefined;
  nowMs?: number;
}

/** `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>` under the signing secret. */
export function slackSignature(signingSecret: string, timestamp: string | number, rawBody: string): string {
  return `v0=${createHmac("sha256", signingSecret).update(`v0:${timestamp}:${rawBody}`).digest("hex")}`;
}

/** Throws VerificationError (HTTP 401) unless the request is signed by Slack within the replay window. */
export function verifySlackSignature(input: SlackSignatureInput): void {
  const { signature, timestamp } = input;
  if (!signature || !timestamp) throw new VerificationError("Slack request without X-Slack-Signature / X-Slack-Request-Timestamp");
  const seconds = Number(timestamp);
  if (!/^\d+$/.test(timestamp) || !Number.isSafeInteger(seconds)) throw new VerificationError("Slack request timestamp is not a number");
  const now = Math.floor((input.nowMs ?? Date.now()) / 1000);
  if (Math.abs(now - seconds) > MAX_SKEW_SECONDS) {
    throw new VerificationError("Slack request timestamp is more than 5 minutes off: a replay, or this host's clock is wrong");
  }
  const expected = Buffer.from(slackSignature(input.signingSecret, timestamp, input.rawBody));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new VerificationError("Slack signature mismatch: check channels.slack.signing_secret (Basic Information → Signing Secret)");
  }
}
