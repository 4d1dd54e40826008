import type { Webhooks } from "@octokit/webhooks";
import { VerificationError } from "../../core/errors.js";

/** Checks `X-Hub-Signature-256` (HMAC-SHA256 of the raw body) with @octokit/webhooks, loaded on first use. */
export function createVerifier(secret: string): (raw: string, signature: string | undefined) => Promise<void> {
  let webhooks: Promise<Webhooks> | undefined;
  return async (raw, signature) => {
    if (!signature) throw new VerificationError("GitHub webhook without X-Hub-Signature-256: set the webhook's secret to channels.github.webhook_secret");
    webhooks ??= import("@octokit/webhooks").then(({ Webhooks }) => new Webhooks({ secret }));
    const ok = await (await webhooks).verify(raw, signature).catch(() => false);
    if (!ok) throw new VerificationError("GitHub webhook signature mismatch: check that the webhook's secret equals channels.github.webhook_secret");
  };
}
