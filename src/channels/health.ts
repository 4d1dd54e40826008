import { ConfigError, errorMessage } from "../core/errors.js";
import type { Logger } from "../core/logger.js";

/** starting → ok, or degraded (the platform is down: retried with backoff), or failed (our configuration: not retried). */
export type ChannelState = "starting" | "ok" | "degraded" | "failed";

export interface ChannelHealth {
  state: ChannelState;
  /** ISO time the channel entered this state. */
  since: string;
  lastError?: string;
  /** What the operator should change (failed only). */
  fix?: string;
  /** Start attempts that failed since the last success. */
  failures: number;
}

/**
 * A start failure only the operator can repair (a rejected token, a bad config table): the channel is marked
 * `failed` with `fix` and not retried, while the rest of the hub runs.
 */
export class ChannelConfigError extends ConfigError {
  constructor(
    message: string,
    readonly fix: string,
    options?: { cause?: unknown },
  ) {
    super(`${message}: ${fix}`, []);
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

export interface RetryPolicy {
  initialMs: number;
  maxMs: number;
  /** Injected in tests; Math.random by default. */
  random?: () => number;
  now?: () => number;
}

/** Capped exponential backoff with "equal jitter": half the step fixed, half random, so restarts do not stampede. */
export function backoffMs(failures: number, policy: RetryPolicy): number {
  const step = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(failures, 30));
  return Math.round(step / 2 + (policy.random ?? Math.random)() * (step / 2));
}

function fixOf(error: unknown): string | undefined {
  if (error instanceof ChannelConfigError) return error.fix;
  if (error instanceof ConfigError) return error.problems.length ? error.problems.join("; ") : error.message;
  return undefined;
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** What a supervised channel's connection may report after it started: it was lost (the supervisor reconnects). */
export interface StartEvents {
  lost(error: unknown): void;
}

export interface Supervised {
  health(): ChannelHealth;
  /** Stops retrying, waits (bounded) for an attempt in flight, then stops the connection. */
  stop(): Promise<void>;
  /** Resolves when the current start attempt has finished (tests, logs). */
  attempt(): Promise<void>;
}

const STOP_WAIT_MS = 3000;

/**
 * Runs one channel's `start()` in the background, independent of every other channel and of the HTTP server:
 * retried with capped, jittered backoff while the platform is down, `failed` on a configuration error.
 */
export function superviseChannel(
  name: string,
  conn: { start(events: StartEvents): Promise<void>; stop(): Promise<void> },
  deps: { policy: RetryPolicy; logger: Logger },
): Supervised {
  const { policy, logger } = deps;
  const now = policy.now ?? Date.now;
  const abort = new AbortController();
  let health: ChannelHealth = { state: "starting", since: new Date(now()).toISOString(), failures: 0 };
  let current: Promise<void> = Promise.resolve();
  let generation = 0;

  const enter = (state: ChannelState, error?: unknown) => {
    const failures = state === "ok" ? 0 : health.failures + (error === undefined ? 0 : 1);
    const since = state === health.state ? health.since : new Date(now()).toISOString();
    const fix = fixOf(error);
    health = { state, since, failures, ...(error !== undefined ? { lastError: errorMessage(error) } : {}), ...(fix ? { fix } : {}) };
  };

  async function run(): Promise<void> {
    const mine = ++generation;
    while (!abort.signal.aborted && mine === generation) {
      try {
        await conn.start({ lost: (error) => lost(mine, error) });
        if (abort.signal.aborted) return;
        enter("ok");
        logger.info(`channel ${name}: connected`);
        return;
      } catch (error) {
        if (abort.signal.aborted) return;
        if (error instanceof ConfigError) {
          enter("failed", error);
          logger.error(`channel ${name} failed (the rest of the hub runs): ${errorMessage(error)}`);
          return;
        }
        enter("degraded", error);
        const wait = backoffMs(health.failures - 1, policy);
        logger.warn(`channel ${name} degraded, retrying in ${(wait / 1000).toFixed(1)} s: ${errorMessage(error)}`);
        await conn.stop().catch(() => undefined);
        await delay(wait, abort.signal);
      }
    }
  }

  function lost(mine: number, error: unknown): void {
    if (abort.signal.aborted || mine !== generation) return;
    if (error instanceof ConfigError) {
      enter("failed", error);
      logger.error(`channel ${name} failed: ${errorMessage(error)}`);
      return;
    }
    enter("degraded", error);
    logger.warn(`channel ${name} lost its connection, reconnecting: ${errorMessage(error)}`);
    current = current.then(async () => {
      await conn.stop().catch(() => undefined);
      await delay(backoffMs(health.failures - 1, policy), abort.signal);
      await run();
    });
  }

  current = run();
  return {
    health: () => health,
    attempt: () => current,
    async stop() {
      abort.abort();
      let timer: NodeJS.Timeout | undefined;
      const bounded = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, STOP_WAIT_MS);
      });
      await Promise.race([current.catch(() => undefined), bounded]);
      clearTimeout(timer);
      await conn.stop().catch((error: unknown) => logger.warn(`channel ${name}: stopping: ${errorMessage(error)}`));
    },
  };
}

/** A channel that could not even be built (its config table is invalid): failed from the start, never retried. */
export function failedChannel(error: unknown, now: () => number = Date.now): Supervised {
  const fix = fixOf(error);
  const health: ChannelHealth = { state: "failed", since: new Date(now()).toISOString(), failures: 1, lastError: errorMessage(error), ...(fix ? { fix } : {}) };
  return { health: () => health, attempt: async () => {}, stop: async () => {} };
}
