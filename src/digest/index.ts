/** Email digests: collect a window from the store, render it, send it through the email integration, once per slot. */
import { join } from "node:path";
import type { Config, DigestConfig } from "../config/schema.js";
import { ConfigError, errorMessage } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import { parseIntegrationConfig } from "../integrations/common.js";
import { type EmailConfig, emailConfigSchema } from "../integrations/email/config.js";
import { type SentEmail, sendEmail } from "../integrations/email/send.js";
import type { Store } from "../store/index.js";
import { collectDigest, type DigestData } from "./collect.js";
import { type RenderedDigest, renderDigest } from "./render.js";
import { createDigestScheduler, type DigestScheduler, type DigestWindow, loadSlots, windowOf } from "./schedule.js";

export type { DigestData, DigestTask } from "./collect.js";
export { collectDigest } from "./collect.js";
export { createDigestLedger, sendOnce } from "./ledger.js";
export { renderDigest } from "./render.js";
export { createDigestScheduler, type DigestRun, type DigestScheduler, type DigestWindow } from "./schedule.js";

export interface DigestDeps {
  store: Store;
  digest: DigestConfig;
  /** `[integrations.email]` with `digest.from` applied; undefined when no email integration is configured. */
  email?: EmailConfig;
  /** `<home>/skills/proposed`. */
  proposalsDir: string;
  logger?: Logger;
}

/** What the digest needs from a hub (or from the CLI, which has the same pieces without a running hub). */
export interface DigestHost {
  config: Pick<Config, "digest" | "integrations">;
  paths: { home: string };
  store: Store;
  logger?: Logger;
}

export function digestDeps(host: DigestHost): DigestDeps {
  const { digest, integrations } = host.config;
  const raw = integrations.email;
  const email = raw === undefined ? undefined : parseIntegrationConfig("email", emailConfigSchema, raw);
  return {
    store: host.store,
    digest,
    ...(email ? { email: digest.from ? { ...email, from: digest.from } : email } : {}),
    proposalsDir: join(host.paths.home, "skills", "proposed"),
    ...(host.logger ? { logger: host.logger } : {}),
  };
}

/** Throws an actionable ConfigError unless a digest can be sent (email configured, recipients named). */
export function checkSendable(deps: DigestDeps): EmailConfig {
  if (!deps.email) {
    throw new ConfigError(
      'no [integrations.email] configured: add host, user, password, from (e.g. host = "smtp.example.com", from = "openkoi <agent@example.com>")',
    );
  }
  if (deps.digest.to.length === 0) throw new ConfigError('digest.to is empty: add the recipients, e.g. to = ["you@example.com"] under [digest]');
  return deps.email;
}

/** The window `openkoi digest` works on now: the latest scheduled slot (the one the hub sends or has sent). */
export async function currentWindow(digest: DigestConfig, now = new Date()): Promise<DigestWindow> {
  const slots = await loadSlots(digest.schedule, digest.timezone);
  return windowOf(slots.latest(now) ?? now, digest.since_hours);
}

export function buildDigest(deps: DigestDeps, window: DigestWindow): RenderedDigest & { data: DigestData } {
  const data = collectDigest(deps.store, { since: window.since, until: window.until, proposalsDir: deps.proposalsDir });
  return { data, ...renderDigest(data, deps.digest.timezone ? { timeZone: deps.digest.timezone } : {}) };
}

/** Renders and sends one window's digest now (no once-per-window check: see `sendOnce` and the scheduler). */
export async function sendDigest(deps: DigestDeps, window: DigestWindow): Promise<SentEmail> {
  const email = checkSendable(deps);
  const { subject, text, html } = buildDigest(deps, window);
  const sent = await sendEmail(email, { to: deps.digest.to, subject, text, html, headers: { "X-OpenKoi-Digest": window.key } });
  if (sent.rejected.length > 0) deps.logger?.warn(`digest ${window.key}: the mail server rejected ${sent.rejected.join(", ")}: check digest.to`);
  return sent;
}

/**
 * For `openkoi serve`: when `[digest] enabled`, checks the email settings, then starts the schedule (a missed slot
 * goes out once, in the background). Returns undefined when disabled; call `stop()` before closing the store.
 */
export async function startDigestScheduler(host: DigestHost): Promise<DigestScheduler | undefined> {
  if (!host.config.digest.enabled) return undefined;
  const deps = digestDeps(host);
  checkSendable(deps);
  const { digest } = deps;
  const scheduler = await createDigestScheduler({
    schedule: digest.schedule,
    ...(digest.timezone ? { timezone: digest.timezone } : {}),
    sinceHours: digest.since_hours,
    store: deps.store,
    ...(deps.logger ? { logger: deps.logger } : {}),
    send: async (window) => {
      const sent = await sendDigest(deps, window);
      return { messageId: sent.messageId, to: sent.accepted };
    },
  });
  scheduler.start().catch((error: unknown) => deps.logger?.error(`digest scheduler failed to start: ${errorMessage(error)}`));
  return scheduler;
}
