import { afterEach, describe, expect, it } from "vitest";
import { createChannelContext } from "../../../src/channels/context.js";
import { createDiscordApi } from "../../../src/channels/discord/api.js";
import { createChannel } from "../../../src/channels/discord/index.js";
import { ChannelConfigError } from "../../../src/channels/health.js";
import { parsePolicy } from "../../../src/channels/policy.js";
import type { ChannelAdapter, ChannelContext } from "../../../src/channels/types.js";
import { createLogger } from "../../../src/core/logger.js";
import type { RichMessage } from "../../../src/core/rich-message.js";
import { BOT_ID, CHANNEL_ID, type DiscordFake, startDiscordFake, userMessage, visibleText } from "../../fakes/discord-fake.js";
import { waitFor } from "../../fakes/http.js";
import { type HubHarness, startHubHarness } from "../../helpers/hub-harness.js";
import { discordConfig } from "./driver.js";

let fake: DiscordFake | undefined;
let harness: HubHarness | undefined;
const adapters: ChannelAdapter[] = [];
afterEach(async () => {
  for (const a of adapters.splice(0)) await a.stop?.();
  await harness?.close();
  await fake?.close();
  harness = undefined;
  fake = undefined;
});

/** A real channel context on a running hub, so adapters can be started and stopped by the test. */
function contextOn(h: HubHarness): ChannelContext {
  return createChannelContext({
    channel: "discord",
    policy: parsePolicy({}),
    dataDir: "/tmp/openkoi-unused-data",
    store: h.hub.store,
    logger: createLogger("silent"),
    submit: h.server.submit,
    cancel: (taskId, reason) => h.server.cancel(taskId, reason) !== "not_cancellable",
    defaults: { maxIterations: 1, qualityThreshold: 0.8, workspace: h.workspace },
  });
}

async function adapter(raw: Record<string, unknown>, ctx: ChannelContext): Promise<ChannelAdapter> {
  const a = await createChannel(raw, ctx);
  adapters.push(a);
  return a;
}

describe("discord adapter lifecycle", () => {
  it("a message replayed after a gateway reconnect (fresh discord.js cache) runs once", async () => {
    fake = await startDiscordFake();
    harness = await startHubHarness();
    const ctx = contextOn(harness);
    const h = harness;
    const tasks = () => h.hub.store.listTasks({ limit: 50 }).tasks;
    const mention = (id: string, text: string) => fake?.dispatch("MESSAGE_CREATE", userMessage({ id, content: `<@${BOT_ID}> ${text}`, mentionBot: true }));
    const first = await adapter(discordConfig(fake), ctx);
    await first.start?.();
    await mention("800000000000000001", "count the files");
    await waitFor(() => tasks().length === 1, 5000, "the first task");
    await first.stop?.();

    const second = await adapter(discordConfig(fake), ctx);
    await second.start?.();
    await mention("800000000000000001", "count the files");
    // Gateway events are handled in order: once the next message is a task, the replay was seen.
    await mention("800000000000000002", "and the lines");
    await waitFor(() => tasks().length >= 2, 5000, "the second message's task");
    expect(
      tasks()
        .map((t) => t.request.description)
        .sort(),
    ).toEqual(["and the lines", "count the files"]);
  });

  it("check() names the bot; a wrong token or an unreachable API is an actionable error", async () => {
    fake = await startDiscordFake();
    harness = await startHubHarness();
    const ctx = contextOn(harness);
    expect(await (await adapter(discordConfig(fake), ctx)).check?.()).toBe(`Discord: connected as koibot (${BOT_ID}) at ${fake.apiUrl}`);
    await expect((await adapter(discordConfig(fake, { bot_token: "wrong" }), ctx)).check?.()).rejects.toThrow(
      /Discord said 401 .*check channels\.discord\.bot_token/,
    );
    await expect((await adapter(discordConfig(fake, { api_url: "http://127.0.0.1:9/api" }), ctx)).check?.()).rejects.toThrow(
      /Cannot reach Discord at http:\/\/127\.0\.0\.1:9\/api/,
    );
  });

  it("a gateway login with a wrong token fails start() with a configuration error naming the fix", async () => {
    fake = await startDiscordFake();
    harness = await startHubHarness();
    const a = await adapter(discordConfig(fake, { bot_token: "wrong" }), contextOn(harness));
    const error = await a.start?.().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelConfigError);
    expect(error).toMatchObject({ fix: "check channels.discord.bot_token", message: expect.stringMatching(/^Discord rejected the bot token/) });
    expect(fake.identified()).toBe(false);
  });
});

describe("discord outbound api", () => {
  const message = (title: string): RichMessage => ({ title, status: "running", fields: [], sections: [], buttons: [], fallback: title });

  it("edits a /koi message through its interaction webhook while the token lives, then with the bot token", async () => {
    fake = await startDiscordFake();
    const { REST } = await import("discord.js");
    let clock = 1_000_000;
    const api = createDiscordApi({
      rest: new REST({ api: fake.apiUrl }).setToken(fake.token),
      applicationId: fake.applicationId,
      apiUrl: fake.apiUrl,
      now: () => clock,
    });
    fake.ackInteraction("itok-live", CHANNEL_ID);
    const thread = {
      channel: "discord",
      conversation: CHANNEL_ID,
      thread: "700",
      extra: { interaction_token: "itok-live", interaction_expires: String(clock + 1000) },
    };
    const ref = await api.post(thread, message("first"));
    await api.update(ref, message("second"));
    clock += 2000;
    await api.update(ref, message("third"));
    await api.postText(thread, "late follow-up");
    const calls = fake.rest.requests.map(
      (r) => `${r.method} ${decodeURIComponent(r.path).replace(fake?.applicationId ?? "", "APP")} ${r.headers.authorization ? "bot" : "no-auth"}`,
    );
    expect(calls).toEqual([
      "PATCH /api/v10/webhooks/APP/itok-live/messages/@original no-auth",
      `PATCH /api/v10/webhooks/APP/itok-live/messages/${ref.id} no-auth`,
      `PATCH /api/v10/channels/${CHANNEL_ID}/messages/${ref.id} bot`,
      `POST /api/v10/channels/${CHANNEL_ID}/messages bot`,
    ]);
    expect(fake.edits.map((m) => visibleText(m.body))).toEqual(["second", "third"]);
  });
});
