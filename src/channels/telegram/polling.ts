import type { Bot } from "grammy";
import type { Update, UserFromGetMe } from "grammy/types";
import { errorMessage } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
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
}

/** Long polling with grammY's `bot.start()`: resolves once polling runs, `stop()` ends it cleanly. */
export function createPoller(deps: PollerDeps) {
  let bot: Bot | undefined;
  let running: Promise<void> | undefined;
  return {
    async start(): Promise<void> {
      // Known bot info skips bot.init(), whose getMe would retry network errors forever.
      const instance = new deps.Bot(deps.token, { client: deps.client, botInfo: await deps.identity() });
      instance.use(async (c) => deps.handle(c.update));
      instance.catch((e) => deps.logger.warn(`telegram: could not handle update ${e.ctx.update.update_id}: ${errorMessage(e.error)}`));
      bot = instance;
      await new Promise<void>((resolve, reject) => {
        running = instance.start({ allowed_updates: ALLOWED_UPDATES, timeout: POLL_TIMEOUT_SECONDS, onStart: () => resolve() }).catch((error: unknown) => {
          const failure = telegramError(error, "getUpdates");
          const conflict = /\b409\b/.test(failure.message) ? "; another process is polling with this bot token: run one instance, or use webhook mode" : "";
          deps.logger.error(`telegram: long polling stopped: ${failure.message}${conflict}`);
          reject(failure);
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
