/** Once-per-window bookkeeping in the store's kv table, shared by the hub's scheduler and `openkoi digest --send`. */
import type { Store } from "../store/index.js";

export type Claim = "claimed" | "sent" | "busy";

export interface DigestLedger {
  /** When the digest for this window was sent, if it was. */
  sentAt(key: string): string | undefined;
  /**
   * Atomically: "sent" when already delivered, "busy" while another sender holds an unexpired lease,
   * else takes the lease ("claimed"). A sender that crashed mid-send loses its lease after `leaseMs`.
   */
  claim(key: string, now: Date, options?: { force?: boolean }): Claim;
  markSent(key: string, now: Date, detail?: Record<string, unknown>): void;
  /** Gives the lease back after a failed send, so a retry (here or in another process) may claim it. */
  release(key: string): void;
}

const sentKey = (key: string) => `digest:sent:${key}`;
const leaseKey = (key: string) => `digest:sending:${key}`;

export function createDigestLedger(store: Store, leaseMs = 10 * 60_000): DigestLedger {
  const sentAt = (key: string): string | undefined => {
    const value = store.kvGet(sentKey(key));
    if (!value) return undefined;
    const parsed = JSON.parse(value) as { at?: unknown };
    return typeof parsed.at === "string" ? parsed.at : "unknown";
  };
  const claim = store.db.transaction((key: string, now: Date, force: boolean): Claim => {
    if (!force && sentAt(key)) return "sent";
    const lease = store.kvGet(leaseKey(key));
    if (lease && Date.parse(lease) > now.getTime()) return "busy";
    store.kvSet(leaseKey(key), new Date(now.getTime() + leaseMs).toISOString());
    return "claimed";
  });
  const markSent = store.db.transaction((key: string, now: Date, detail: Record<string, unknown>) => {
    store.kvSet(sentKey(key), JSON.stringify({ ...detail, at: now.toISOString() }));
    store.kvSet(leaseKey(key), "");
  });
  return {
    sentAt,
    claim: (key, now, options = {}) => claim.immediate(key, now, options.force === true),
    markSent: (key, now, detail = {}) => markSent.immediate(key, now, detail),
    release: (key) => store.kvSet(leaseKey(key), ""),
  };
}

export type SendOnceOutcome = "sent" | "already_sent" | "busy";

/**
 * Claims the window, sends, then marks it sent; a failed send gives the lease back and rethrows.
 * `send` may return details to keep with the mark (e.g. the message id).
 */
export async function sendOnce(
  ledger: DigestLedger,
  key: string,
  send: () => Promise<Record<string, unknown> | undefined>,
  options: { now?: () => Date; force?: boolean } = {},
): Promise<SendOnceOutcome> {
  const now = options.now ?? (() => new Date());
  const claim = ledger.claim(key, now(), { force: options.force === true });
  if (claim === "sent") return "already_sent";
  if (claim === "busy") return "busy";
  let detail: Record<string, unknown> | undefined;
  try {
    detail = await send();
  } catch (error) {
    ledger.release(key);
    throw error;
  }
  ledger.markSent(key, now(), detail);
  return "sent";
}
