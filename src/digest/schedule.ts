/**
 * When digests go out: one per cron slot (croner, imported lazily), never twice for a slot (the kv ledger),
 * retried with backoff after a failure, and a missed slot sent once at startup.
 */
import { ConfigError, errorMessage } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { Store } from "../store/index.js";
import { createDigestLedger, sendOnce } from "./ledger.js";

/** The digest of one scheduled slot: it covers [since, until), and `key` (the slot, ISO) identifies it. */
export interface DigestWindow {
  key: string;
  since: Date;
  until: Date;
}

export interface Slots {
  /** The latest slot at or before `now`. */
  latest(now: Date): Date | undefined;
  /** The first slot after `after`. */
  next(after: Date): Date | undefined;
}

export interface DigestSchedulerOptions {
  schedule: string;
  timezone?: string;
  sinceHours?: number;
  store: Store;
  /** Delivers one window's digest; what it returns (e.g. the message id) is kept with the "sent" mark. */
  send(window: DigestWindow): Promise<Record<string, unknown> | undefined>;
  now?: () => Date;
  /** Waits before the 1st, 2nd, … retry of a failed send; after the last one the window is given up. */
  retryDelaysMs?: readonly number[];
  logger?: Logger;
}

export type DigestRun =
  | { status: "idle" }
  | { status: "sent" | "already_sent" | "busy" | "gave_up"; window: DigestWindow }
  | { status: "waiting"; window: DigestWindow; retryAt: Date }
  | { status: "failed"; window: DigestWindow; error: unknown; retryAt?: Date };

export interface DigestScheduler {
  /** Sends the latest slot's digest if it is still unsent (a missed slot goes out once), then keeps a timer. */
  start(): Promise<DigestRun>;
  /** Clears the timer and waits for a send in progress. */
  stop(): Promise<void>;
  /** The deterministic step (no timers): sends the latest slot's digest unless it was sent, is busy, or awaits a retry. */
  runDue(now?: Date): Promise<DigestRun>;
  nextSlot(after?: Date): Date | undefined;
}

export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [60_000, 5 * 60_000, 15 * 60_000];
/** Timers re-check at least hourly: long setTimeout delays overflow, and clocks jump. */
const MAX_SLEEP_MS = 3_600_000;

/** Parses the cron expression; a bad one is a configuration error naming `digest.schedule`. */
export async function loadSlots(schedule: string, timezone?: string): Promise<Slots> {
  const { Cron } = await import("croner");
  let cron: InstanceType<typeof Cron>;
  try {
    cron = new Cron(schedule, { paused: true, ...(timezone ? { timezone } : {}) });
    cron.nextRun();
  } catch (error) {
    const problem = `digest.schedule: "${schedule}" is not a valid cron expression (${errorMessage(error)}); e.g. "0 8 * * *" for 08:00 daily`;
    throw new ConfigError(`Invalid configuration: ${problem}`, [problem]);
  }
  return {
    // previousRuns excludes a slot at exactly the reference unless the reference is later in the same second.
    latest: (now) => cron.previousRuns(1, new Date(Math.floor(now.getTime() / 1000) * 1000 + 999))[0],
    next: (after) => cron.nextRun(after) ?? undefined,
  };
}

export function windowOf(slot: Date, sinceHours = 24): DigestWindow {
  return { key: slot.toISOString(), since: new Date(slot.getTime() - sinceHours * 3_600_000), until: slot };
}

interface Retry {
  key: string;
  attempts: number;
  /** Undefined once the retries are used up. */
  retryAt?: Date;
}

export async function createDigestScheduler(options: DigestSchedulerOptions): Promise<DigestScheduler> {
  const slots = await loadSlots(options.schedule, options.timezone);
  const clock = options.now ?? (() => new Date());
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const ledger = createDigestLedger(options.store);
  let retry: Retry | undefined;
  let inFlight: Promise<DigestRun> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function attempt(window: DigestWindow, now: Date): Promise<DigestRun> {
    try {
      const outcome = await sendOnce(ledger, window.key, () => options.send(window), { now: clock });
      if (outcome !== "sent") return { status: outcome, window };
    } catch (error) {
      const attempts = retry?.key === window.key ? retry.attempts + 1 : 1;
      const delay = delays[attempts - 1];
      retry = { key: window.key, attempts, ...(delay !== undefined ? { retryAt: new Date(now.getTime() + delay) } : {}) };
      const next = retry.retryAt ? `retrying at ${retry.retryAt.toISOString()}` : "giving up on this window";
      options.logger?.error(`digest for ${window.key} failed (attempt ${attempts}): ${errorMessage(error)}; ${next}`);
      return { status: "failed", window, error, ...(retry.retryAt ? { retryAt: retry.retryAt } : {}) };
    }
    retry = undefined;
    options.logger?.info(`digest for ${window.key} sent`);
    return { status: "sent", window };
  }

  async function due(now: Date): Promise<DigestRun> {
    const slot = slots.latest(now);
    if (!slot) return { status: "idle" };
    const window = windowOf(slot, options.sinceHours);
    if (ledger.sentAt(window.key)) return { status: "already_sent", window };
    if (retry?.key === window.key) {
      if (!retry.retryAt) return { status: "gave_up", window };
      if (now < retry.retryAt) return { status: "waiting", window, retryAt: retry.retryAt };
    }
    return attempt(window, now);
  }

  function runDue(now = clock()): Promise<DigestRun> {
    inFlight ??= due(now).finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  function arm(): void {
    if (timer) clearTimeout(timer);
    if (stopped) return;
    const now = clock().getTime();
    const wakes = [slots.next(new Date(now)), retry?.retryAt].flatMap((d) => (d ? [d.getTime()] : []));
    const delay = Math.max(Math.min(...wakes, now + MAX_SLEEP_MS) - now, 1000);
    timer = setTimeout(() => {
      runDue()
        .catch((error: unknown) => options.logger?.error(`digest scheduler: ${errorMessage(error)}`))
        .finally(arm);
    }, delay);
    timer.unref();
  }

  return {
    async start() {
      stopped = false;
      try {
        return await runDue();
      } finally {
        arm();
      }
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await inFlight?.catch(() => undefined);
    },
    runDue,
    nextSlot: (after = clock()) => slots.next(after),
  };
}
