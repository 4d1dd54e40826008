import type { Api } from "grammy";
import type { Update, UserFromGetMe } from "grammy/types";
import { errorMessage } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import type { ChannelKv } from "../types.js";
import { call } from "./api.js";

/** Webhook deliveries held while the bot's identity is unknown; beyond this the oldest are dropped (logged). */
const MAX_PENDING = 1000;

/**
 * The bot's identity (id, username) is needed only to parse mentions. It is cached in the store once known, so a
 * hub restarted while getMe fails still parses updates; with no cache yet, updates wait in a durable queue.
 */
export function createIdentity(api: Api, kv: ChannelKv, botId: string, logger: Logger) {
  const cacheKey = `telegram:identity:${botId}`;
  const queueKey = `telegram:pending:${botId}`;
  let known: UserFromGetMe | undefined;

  const cached = (): UserFromGetMe | undefined => {
    if (known) return known;
    const raw = kv.get(cacheKey);
    if (!raw) return undefined;
    try {
      known = JSON.parse(raw) as UserFromGetMe;
    } catch {
      return undefined;
    }
    return known;
  };
  const pending = (): Update[] => {
    try {
      return JSON.parse(kv.get(queueKey) ?? "[]") as Update[];
    } catch {
      return [];
    }
  };

  return {
    cached,
    /** getMe now (checks the token), remembered for the next start. */
    async fetch(): Promise<UserFromGetMe> {
      const me = await call("getMe", () => api.getMe());
      known = me;
      kv.set(cacheKey, JSON.stringify(me));
      return me;
    },
    /** Durably holds an update until the identity is known (the delivery is acked; Telegram does not resend it). */
    hold(update: Update): void {
      const queue = [...pending(), update];
      const dropped = queue.splice(0, Math.max(0, queue.length - MAX_PENDING));
      if (dropped.length) logger.warn(`telegram: ${dropped.length} held update(s) dropped: more than ${MAX_PENDING} arrived while getMe failed`);
      kv.set(queueKey, JSON.stringify(queue));
    },
    /** Handles the held updates in order (dedupe makes a repeat after a crash harmless), then forgets them. */
    async drain(handle: (update: Update) => Promise<void>): Promise<void> {
      const queue = pending();
      for (const update of queue) {
        await handle(update).catch((error: unknown) => logger.warn(`telegram: could not handle held update ${update.update_id}: ${errorMessage(error)}`));
      }
      if (queue.length) kv.set(queueKey, JSON.stringify(pending().slice(queue.length)));
    },
  };
}

export type Identity = ReturnType<typeof createIdentity>;
