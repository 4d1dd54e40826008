import type { Bot } from "grammy";
import type { Update, UserFromGetMe } from "grammy/types";
import { errorMessage } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import type { StartEvents } from "../health.js";
import { telegramError } from "./api.js";

export const ALLOWED_UPDATES = ["message", "callback_query"] as const;
/** getUpdates long-poll seconds; bot.stop() aborts the pending poll, so this never delays shutdown. */
const POLL_TIMEOUT_SECONDS = 30;

export interface PollerDeps {
  Bot: typeof Bot;
  token: string;
  client: { apiRoot: string; timeoutSeconds: number };
  identity(): Promise<UserFromGetMe>;
  handle(update: Update): Promise<void>;
  logger: Logger;
  /** Least time between two getUpdates calls (the long poll's `timeout` is ignored by some servers). */
  minIntervalMs: number;
}

/** grammY's signal is the abort-controller polyfill's: only its event methods are used. */
interface Abortable {
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

function pause(ms: number, signal: Abortable | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Long polling with grammY's `bot.start()`: resolves once polling runs, `stop()` ends it cleanly. */
export function createPoller(deps: PollerDeps) {
  let bot: Bot | undefined;
  let running: Promise<void> | undefined;
  return {
    async start(events?: StartEvents): Promise<void> {
      // Known bot info skips bot.init(), whose getMe would retry network errors forever.
      const instance = new deps.Bot(deps.token, { client: deps.client, botInfo: await deps.identity() });
      let last = Number.NEGATIVE_INFINITY;
      instance.api.config.use(async (prev, method, payload, signal) => {
        if (method === "getUpdates") {
          const wait = last + deps.minIntervalMs - Date.now();
          if (wait > 0) await pause(wait, signal as Abortable | undefined);
          last = Date.now();
        }
        return prev(method, payload, signal);
      });
      instance.use(async (c) => deps.handle(c.update));
      instance.catch((e) => deps.logger.warn(`telegram: could not handle update ${e.ctx.update.update_id}: ${errorMessage(e.error)}`));
      bot = instance;
      await new Promise<void>((resolve, reject) => {
        running = instance.start({ allowed_updates: ALLOWED_UPDATES, timeout: POLL_TIMEOUT_SECONDS, onStart: () => resolve() }).catch((error: unknown) => {
          const failure = telegramError(error, "getUpdates");
          const conflict = /\b409\b/.test(failure.message) ? "; another process is polling with this bot token: run one instance, or use webhook mode" : "";
          deps.logger.error(`telegram: long polling stopped: ${failure.message}${conflict}`);
          reject(failure);
          // After onStart the promise above is settled: the supervisor hears of it and reconnects (or marks it failed).
          events?.lost(failure);
        });
      });
    },
    async stop(): Promise<void> {
      if (bot?.isRunning()) await bot.stop().catch((error: unknown) => deps.logger.warn(`telegram: stopping long polling: ${errorMessage(error)}`));
      await running;
      bot = undefined;
      running = undefined;
    },
  };
}
