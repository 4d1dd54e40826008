/**
 * Each channel fails alone: a hub with Discord and Slack, Discord's fake down (503) or refusing the token (4004).
 * The API and Slack must work throughout; Discord reports degraded (and recovers) or failed (with the fix).
 */
import { afterEach, describe, expect, it } from "vitest";
import { BOT_ID, type DiscordFake, startDiscordFake, userMessage } from "../fakes/discord-fake.js";
import { waitFor } from "../fakes/http.js";
import { type SlackFake, startSlackFake } from "../fakes/slack-fake.js";
import { type HubHarness, passingScript, startHubHarness } from "../helpers/hub-harness.js";
import { discordConfig } from "./discord/driver.js";

type Json = Record<string, unknown>;
let discord: DiscordFake | undefined;
let slack: SlackFake | undefined;
let harness: HubHarness | undefined;

afterEach(async () => {
  await harness?.close();
  await discord?.close();
  await slack?.close();
  harness = undefined;
  discord = undefined;
  slack = undefined;
});

async function startBoth(prepare: (fake: DiscordFake) => void): Promise<{ h: HubHarness; d: DiscordFake; s: SlackFake }> {
  const d = await startDiscordFake();
  const s = await startSlackFake();
  discord = d;
  slack = s;
  prepare(d);
  const h = await startHubHarness(
    {
      channels: { discord: discordConfig(d), slack: { bot_token: s.botToken, api_url: s.apiUrl, signing_secret: s.signingSecret } },
      server: { channel_retry_initial_ms: 20, channel_retry_max_ms: 80 },
    },
    {},
    { channelRetry: { random: () => 0.5 } },
  );
  harness = h;
  return { h, d, s };
}

async function get(h: HubHarness, path: string): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${h.url}${path}`);
  return { status: res.status, json: (await res.json()) as Json };
}

const discordHealth = async (h: HubHarness) => ((await get(h, "/api/v1/health")).json.channels as Record<string, Json>).discord;

async function slackWorks(h: HubHarness, s: SlackFake, eventId: string): Promise<void> {
  h.model.respondWith(passingScript(`Answered ${eventId}.`));
  const res = await s.deliver(`${h.url}/channels/slack/events`, s.mentionPayload({ text: "count the files", eventId }));
  expect(res.status).toBe(200);
  await waitFor(() => s.messages.find((m) => m.visible.includes(`Answered ${eventId}.`)), 10_000, "Slack's answer");
}

async function apiWorks(h: HubHarness): Promise<void> {
  const res = await fetch(`${h.url}/api/v1/tasks`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"description":"hello"}' });
  expect(res.status).toBe(202);
  const { id } = (await res.json()) as { id: string };
  expect((await h.settle(id)).status).toBe("completed");
}

describe("each channel fails alone", () => {
  it("Discord's API answering 503 at start: the hub listens, the API and Slack work, Discord is degraded, then recovers", async () => {
    const { h, d, s } = await startBoth((fake) => fake.setDown({ status: 503, json: { message: "Service Unavailable", code: 0 } }));
    const degraded = await waitFor(
      async () => {
        const health = await discordHealth(h);
        return health?.state === "degraded" && Number(health.failures) >= 2 ? health : undefined;
      },
      10_000,
      "Discord to be degraded after retries",
    );
    expect(degraded.last_error).toMatch(/503/);
    const health = await get(h, "/api/v1/health");
    expect(health.status).toBe(200);
    expect(health.json.status).toBe("degraded");
    expect((health.json.channels as Record<string, Json>).slack).toMatchObject({ state: "ok" });
    await apiWorks(h);
    await slackWorks(h, s, "EvWhileDown");

    d.setDown(undefined);
    await waitFor(async () => (await discordHealth(h))?.state === "ok", 10_000, "Discord to recover");
    expect((await get(h, "/api/v1/health")).json.status).toBe("ok");
    const status = await get(h, "/api/v1/status");
    expect((status.json.channels as Record<string, Json>).discord).toMatchObject({ state: "ok", failures: 0, last_error: null });
    h.model.respondWith(passingScript("Discord is back."));
    await d.dispatch("MESSAGE_CREATE", userMessage({ id: "810000000000000001", content: `<@${BOT_ID}> ping`, mentionBot: true }));
    await waitFor(() => d.edits.find((m) => JSON.stringify(m.body).includes("Discord is back.")), 10_000, "Discord's answer");
  });

  it("the gateway closing with 4004: Discord is failed with the fix, never retried, and the rest works", async () => {
    const { h, d, s } = await startBoth((fake) => fake.closeOnIdentify(4004));
    const failed = await waitFor(
      async () => {
        const health = await discordHealth(h);
        return health?.state === "failed" ? health : undefined;
      },
      10_000,
      "Discord to fail",
    );
    const status = (await get(h, "/api/v1/status")).json.channels as Record<string, Json>;
    expect(status.discord).toMatchObject({ state: "failed", failures: 1, fix: "check channels.discord.bot_token" });
    expect(String(status.discord?.last_error)).toContain("4004");
    expect(failed.since).toBeTypeOf("string");
    expect((await get(h, "/api/v1/health")).json.status).toBe("degraded");
    await apiWorks(h);
    await slackWorks(h, s, "EvAfter4004");
    expect(d.rest.requests.filter((r) => r.path.endsWith("/gateway/bot"))).toHaveLength(1);
  });
});
