/** A real hub with the Telegram channel pointed at the fake Bot API, and a way to deliver updates to it. */
import type { Update } from "grammy/types";
import type { ChannelContext } from "../../../src/channels/types.js";
import { BOT_TOKEN, startTelegramFake, type TelegramFake, userId, WEBHOOK_SECRET } from "../../fakes/telegram-fake.js";
import { type HubHarness, startHubHarness } from "../../helpers/hub-harness.js";

export interface TelegramHub {
  harness: HubHarness;
  fake: TelegramFake;
  /** POSTs an update to the webhook with the given secret header (the right one by default; null = none). */
  deliver(update: Update, secret?: string | null): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

export async function startTelegramHub(options: { allowUsers?: string[]; config?: Record<string, unknown> } = {}): Promise<TelegramHub> {
  const fake = await startTelegramFake();
  const telegram = {
    bot_token: BOT_TOKEN,
    webhook_secret: WEBHOOK_SECRET,
    api_root: fake.url,
    ...(options.allowUsers ? { allow_users: options.allowUsers.map((u) => String(userId(u))) } : {}),
    ...options.config,
  };
  const harness = await startHubHarness({ channels: { telegram } });
  return {
    harness,
    fake,
    async deliver(update, secret = WEBHOOK_SECRET) {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (secret !== null) headers["x-telegram-bot-api-secret-token"] = secret;
      const res = await fetch(`${harness.url}/channels/telegram/webhook`, { method: "POST", headers, body: JSON.stringify(update) });
      return { status: res.status, body: await res.text() };
    },
    async close() {
      await harness.close();
      await fake.close();
    },
  };
}

export const tasksOf = (harness: HubHarness) => harness.hub.store.listTasks({ limit: 50 }).tasks;

const never = () => {
  throw new Error("not used in this test");
};
/** For tests of an adapter's outbound side only (check(), start()): no inbound traffic reaches it. */
export const unusedContext: ChannelContext = {
  policy: { allowUsers: [], allowChannels: [], grants: [] },
  dataDir: "/tmp/openkoi-unused-data",
  receive: never,
  cancelTask: never,
  taskForMessage: never,
  activeTaskInThread: never,
  isEngaged: never,
};
