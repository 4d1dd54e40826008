/** Telegram fails alone: a rejected token, getMe down (webhook updates held, not 500), a server that ignores `timeout`. */
import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import type { ChannelContext, ChannelKv, InboundMessage } from "../../../src/channels/types.js";
import { BOT_ID, type DiscordFake, startDiscordFake, userMessage } from "../../fakes/discord-fake.js";
import { waitFor } from "../../fakes/http.js";
import { BOT, BOT_TOKEN, messageUpdate, startTelegramFake, type TelegramFake, userId, WEBHOOK_SECRET } from "../../fakes/telegram-fake.js";
import { type HubHarness, passingScript, startHubHarness } from "../../helpers/hub-harness.js";
import { discordConfig } from "../discord/driver.js";
import { unusedContext } from "./helpers.js";

type Json = Record<string, unknown>;
let telegram: TelegramFake | undefined;
let discord: DiscordFake | undefined;
let harness: HubHarness | undefined;
afterEach(async () => {
  await harness?.close();
  await telegram?.close();
  await discord?.close();
  harness = undefined;
  telegram = undefined;
  discord = undefined;
});

const PROXY_PAGE = { status: 502, text: "<html><body>502 Bad Gateway</body></html>", headers: { "content-type": "text/html" } };
const RETRY = { channel_retry_initial_ms: 20, channel_retry_max_ms: 80 };

async function channelHealth(h: HubHarness, name: string): Promise<Json | undefined> {
  const res = await fetch(`${h.url}/api/v1/status`);
  return ((await res.json()) as { channels: Record<string, Json> }).channels[name];
}

function deliver(h: HubHarness, update: unknown): Promise<Response> {
  return fetch(`${h.url}/channels/telegram/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": WEBHOOK_SECRET },
    body: JSON.stringify(update),
  });
}

describe("telegram availability", () => {
  it("getMe answering 401 at start with Discord connected: the hub listens, Telegram is failed with the fix, Discord and the API work", async () => {
    telegram = await startTelegramFake();
    discord = await startDiscordFake();
    const bad = { bot_token: "999:wrong", webhook_secret: WEBHOOK_SECRET, api_root: telegram.url };
    const h = await startHubHarness({ channels: { telegram: bad, discord: discordConfig(discord) }, server: RETRY });
    harness = h;
    await waitFor(async () => (await channelHealth(h, "discord"))?.state === "ok", 10_000, "Discord to connect");
    const failed = await waitFor(
      async () => {
        const t = await channelHealth(h, "telegram");
        return t?.state === "failed" ? t : undefined;
      },
      10_000,
      "Telegram to fail",
    );
    expect(failed).toMatchObject({
      fix: "check channels.telegram.bot_token",
      last_error: "Telegram said 401 Unauthorized (getMe): check channels.telegram.bot_token",
    });
    expect(telegram.calls.map((c) => c.method)).toEqual(["getMe"]);
    const health = await fetch(`${h.url}/api/v1/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as Json).status).toBe("degraded");
    h.model.respondWith(passingScript("Discord still answers."));
    await discord.dispatch("MESSAGE_CREATE", userMessage({ id: "820000000000000001", content: `<@${BOT_ID}> ping`, mentionBot: true }));
    await waitFor(() => discord?.edits.find((m) => JSON.stringify(m.body).includes("Discord still answers.")), 10_000, "Discord's answer");
  });

  it("while getMe fails (a proxy's 502), webhook deliveries are accepted and held, and run once getMe answers", async () => {
    const t = await startTelegramFake();
    telegram = t;
    t.failAlways("getMe", PROXY_PAGE);
    const config = { bot_token: BOT_TOKEN, webhook_secret: WEBHOOK_SECRET, api_root: t.url };
    const h = await startHubHarness({ channels: { telegram: config }, server: RETRY });
    harness = h;
    const degraded = await waitFor(
      async () => {
        const health = await channelHealth(h, "telegram");
        return health?.state === "degraded" ? health : undefined;
      },
      10_000,
      "Telegram to be degraded",
    );
    // The server's answer, reported as one: its status and text, not "could not reach".
    expect(degraded.last_error).toBe(`The Telegram Bot API answered HTTP 502 Bad Gateway to getMe: <html><body>502 Bad Gateway</body></html>`);
    const dm = messageUpdate(1, { chatId: userId("alice"), messageId: 5, text: "fix the tests", chatType: "private" });
    const group = messageUpdate(2, { chatId: -100777, messageId: 6, text: "count the files", mention: true });
    expect((await deliver(h, dm)).status).toBe(200);
    expect((await deliver(h, group)).status).toBe(200);
    expect(h.hub.store.listTasks({ limit: 10 }).tasks).toHaveLength(0);

    h.model.respondWith(passingScript("Held and done."));
    t.failAlways("getMe", undefined);
    const tasks = await waitFor(
      () => {
        const all = h.hub.store.listTasks({ limit: 10 }).tasks;
        return all.length === 2 ? all : undefined;
      },
      10_000,
      "the held updates to run",
    );
    expect(tasks.map((task) => task.request.description).sort()).toEqual(["count the files", "fix the tests"]);
    expect((await channelHealth(h, "telegram"))?.state).toBe("ok");
  });

  it("a restarted channel parses with the cached identity while getMe is down", async () => {
    const t = await startTelegramFake();
    telegram = t;
    const values = new Map<string, string>();
    const kv: ChannelKv = { get: (k) => values.get(k), set: (k, v) => void values.set(k, v) };
    const received: InboundMessage[] = [];
    const ctx: ChannelContext = {
      ...unusedContext,
      kv,
      isEngaged: () => false,
      receive: async (message) => {
        received.push(message);
        return { kind: "queued", taskId: "t1" };
      },
    };
    const { createChannel } = await import("../../../src/channels/telegram/index.js");
    const config = { bot_token: BOT_TOKEN, webhook_secret: WEBHOOK_SECRET, api_root: t.url };
    await (await createChannel(config, ctx)).start?.();
    t.failAlways("getMe", PROXY_PAGE);
    const restarted = await createChannel(config, ctx);
    await expect(restarted.start?.()).rejects.toThrow("HTTP 502");
    const app = new Hono();
    restarted.mount?.(app);
    const update = messageUpdate(3, { chatId: -100777, messageId: 7, text: "summarise the log", mention: true });
    const res = await app.request("/channels/telegram/webhook", {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": WEBHOOK_SECRET },
      body: JSON.stringify(update),
    });
    expect(res.status).toBe(200);
    expect(received.map((m) => ({ text: m.text, addressed: m.addressed }))).toEqual([{ text: "summarise the log", addressed: true }]);
    expect(t.calls.filter((c) => c.method === "getMe")).toHaveLength(2);
    expect(BOT.username).toBe("openkoi_test_bot");
  });

  it("keeps poll_min_interval_ms between getUpdates calls when the server answers at once", async () => {
    const t = await startTelegramFake();
    telegram = t;
    t.answerPollsAtOnce(true);
    const config = { bot_token: BOT_TOKEN, mode: "polling", api_root: t.url, poll_min_interval_ms: 100 };
    const h = await startHubHarness({ channels: { telegram: config } });
    harness = h;
    const polls = () => t.calls.filter((c) => c.method === "getUpdates");
    await waitFor(() => polls().length >= 5, 10_000, "five polls");
    await h.close();
    harness = undefined;
    const at = polls().map((c) => c.at);
    const gaps = at.slice(1).map((time, i) => time - (at[i] as number));
    // The last call is the offset confirmation at shutdown (grammY's, not a poll of the loop).
    // Arrival times carry the transport's jitter (a few ms either way); without the rule the gaps are ~1 ms.
    expect(Math.min(...gaps.slice(0, -1))).toBeGreaterThanOrEqual(70);
    const first = at[0] as number;
    expect(at.filter((time) => time - first < 1000).length).toBeLessThanOrEqual(11);
  });
});
