import { afterEach, describe, expect, it } from "vitest";
import {
  BOT_ID,
  CHANNEL_ID,
  DM_CHANNEL_ID,
  GUILD_ID,
  HUMAN,
  interaction,
  type StoredMessage,
  THREAD_ID,
  userMessage,
  visibleText,
} from "../../fakes/discord-fake.js";
import { waitFor } from "../../fakes/http.js";
import { passingScript, sentToModel } from "../../helpers/hub-harness.js";
import { startDiscordHub } from "./driver.js";

type Hub = Awaited<ReturnType<typeof startDiscordHub>>;
let current: Hub | undefined;
const start = async (options: Parameters<typeof startDiscordHub>[0] = {}) => {
  current = await startDiscordHub(options);
  return current;
};
afterEach(async () => {
  await current?.close();
  current = undefined;
});

const tasks = (h: Hub) => h.harness.hub.store.listTasks({ limit: 50 }).tasks;
const nthTask = (h: Hub, n: number) => waitFor(() => [...tasks(h)].reverse()[n], 5000, `task #${n + 1}`);
const koi = (id: string, text: string) =>
  interaction({ id, type: 2, data: { id: "77", name: "koi", type: 1, options: [{ name: "task", type: 3, value: text }] } });
const stopClick = (id: string, taskId: string, message: StoredMessage) =>
  interaction({ id, type: 3, data: { custom_id: `openkoi_stop:${taskId}`, component_type: 2 }, message: { id: message.id, channel_id: message.channel_id } });
const finalWith = (h: Hub, text: string) =>
  waitFor(() => [...h.fake.edits, ...h.fake.posts].find((m) => visibleText(m.body).includes(text)), 5000, `a message with "${text}"`);

describe("discord interactions endpoint", () => {
  it("answers Discord's signed PING with PONG and refuses an unsigned request with 401", async () => {
    const h = await start();
    const ping = await h.fake.interact(h.harness.url, { id: h.fake.nextId(), application_id: BOT_ID, type: 1, token: "t", version: 1 });
    expect(ping).toEqual({ status: 200, json: { type: 1 } });
    const unsigned = await fetch(`${h.harness.url}/channels/discord/interactions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"type":1}',
    });
    expect(unsigned.status).toBe(401);
  });

  it("/koi is deferred within Discord's 3 s, then answered by editing @original through the interaction webhook", async () => {
    const h = await start();
    h.harness.model.respondWith(passingScript("Slash result: the build is green."));
    // Discord may not have processed the deferred response when the first edit arrives: it says Unknown Webhook.
    const isOriginal = (r: { method: string; path: string }) => r.method === "PATCH" && decodeURIComponent(r.path).endsWith("/messages/@original");
    h.fake.failNext(isOriginal, { status: 404, json: { message: "Unknown Webhook", code: 10015 } });
    const started = Date.now();
    const res = await h.fake.interact(h.harness.url, koi("700000000000000001", "fix the build"));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(res.json).toEqual({ type: 5 });
    const task = await nthTask(h, 0);
    expect(task.request.description).toBe("fix the build");
    await h.harness.settle(task.id);
    const final = await finalWith(h, "Slash result: the build is green.");
    const original = h.fake.posts.filter((m) => m.via === "interaction");
    expect(original).toHaveLength(1);
    expect(final.id).toBe(original[0]?.id);
    expect(visibleText(final.body)).toMatch(/0\.90/);
    const hooks = h.fake.rest.requests.filter((r) => r.path.includes("/webhooks/"));
    expect(hooks.filter(isOriginal).length).toBeGreaterThanOrEqual(2);
    for (const r of hooks) expect(r.headers.authorization).toBeUndefined();
  });

  it("/koi from a user outside the allowlist gets an ephemeral refusal in the response and runs nothing", async () => {
    const h = await start({ allowUsers: ["someone-else"] });
    const res = await h.fake.interact(h.harness.url, koi("700000000000000002", "delete prod"));
    expect(res.json).toMatchObject({ type: 4, data: { flags: 64, content: expect.stringMatching(/not allowed/) } });
    expect(tasks(h)).toHaveLength(0);
    expect(h.fake.posts).toHaveLength(0);
  });
});

describe("discord gateway", () => {
  it("a DM needs no mention: 👀 on it, the answer in the DM", async () => {
    const h = await start();
    h.harness.model.respondWith(passingScript("DM answer."));
    const id = h.fake.nextId();
    await h.fake.dispatch("MESSAGE_CREATE", userMessage({ id, channelType: 1, content: "what is in the repo?" }));
    const task = await nthTask(h, 0);
    expect(task.request.description).toBe("what is in the repo?");
    await h.harness.settle(task.id);
    const final = await finalWith(h, "DM answer.");
    expect(final.channel_id).toBe(DM_CHANNEL_ID);
    await waitFor(() => h.fake.reactions.find((r) => r.message === id && r.emoji === "👀"), 5000, "the eyes reaction");
  });

  it("in a Discord thread the answer goes there, and a follow-up without a mention continues with the thread's context", async () => {
    const h = await start();
    await h.fake.dispatch("MESSAGE_CREATE", userMessage({ id: h.fake.nextId(), channelType: 11, content: `<@${BOT_ID}> list the files`, mentionBot: true }));
    const first = await nthTask(h, 0);
    await h.harness.settle(first.id);
    await waitFor(() => h.fake.posts.find((m) => m.channel_id === THREAD_ID), 5000, "the answer in the thread");
    await h.fake.dispatch("MESSAGE_CREATE", userMessage({ id: h.fake.nextId(), channelType: 11, content: "and count them" }));
    const second = await nthTask(h, 1);
    expect(second.request.description).toBe("and count them");
    await h.harness.settle(second.id);
    expect(sentToModel(h.harness, second.request.description)).toContain("list the files");
  });

  it("a reply to the bot's answer in a channel continues that conversation and is answered as a reply to it", async () => {
    const h = await start();
    const trigger = h.fake.nextId();
    await h.fake.dispatch("MESSAGE_CREATE", userMessage({ id: trigger, content: `<@${BOT_ID}> list the files`, mentionBot: true }));
    const first = await nthTask(h, 0);
    await h.harness.settle(first.id);
    const answer = await waitFor(() => h.fake.posts.find((m) => m.channel_id === CHANNEL_ID), 5000, "the first answer");
    const botMessage = {
      id: answer.id,
      channel_id: CHANNEL_ID,
      author: { id: BOT_ID, username: "koibot", discriminator: "0", bot: true },
      content: "",
      message_reference: { message_id: trigger, channel_id: CHANNEL_ID },
      type: 19,
      timestamp: new Date().toISOString(),
      mentions: [],
      embeds: [],
      attachments: [],
    };
    const reply = h.fake.nextId();
    await h.fake.dispatch("MESSAGE_CREATE", userMessage({ id: reply, content: "now the sizes", replyTo: botMessage }));
    const second = await nthTask(h, 1);
    expect(second.request.origin.thread).toMatchObject({ conversation: CHANNEL_ID, thread: trigger });
    await h.harness.settle(second.id);
    expect(sentToModel(h.harness, second.request.description)).toContain("list the files");
    await waitFor(
      () => h.fake.posts.find((m) => (m.body.message_reference as { message_id?: string } | undefined)?.message_id === reply),
      5000,
      "the answer replying to the follow-up",
    );
  });

  it("ignores its own messages and other bots'", async () => {
    const h = await start();
    const bot = { id: BOT_ID, username: "koibot", discriminator: "0", bot: true };
    await h.fake.dispatch("MESSAGE_CREATE", userMessage({ id: h.fake.nextId(), content: `<@${BOT_ID}> echo`, mentionBot: true, author: bot }));
    await h.fake.dispatch(
      "MESSAGE_CREATE",
      userMessage({ id: h.fake.nextId(), content: `<@${BOT_ID}> loop`, mentionBot: true, author: { ...bot, id: "999" } }),
    );
    await h.fake.dispatch("MESSAGE_CREATE", userMessage({ id: h.fake.nextId(), content: `<@${BOT_ID}> real work`, mentionBot: true }));
    const task = await nthTask(h, 0);
    expect(task.request.description).toBe("real work");
    expect(tasks(h)).toHaveLength(1);
    await h.harness.settle(task.id);
  });

  it("a 🛑 reaction on the task's message stops it", async () => {
    const h = await start();
    h.harness.hold();
    await h.fake.dispatch("MESSAGE_CREATE", userMessage({ id: h.fake.nextId(), content: `<@${BOT_ID}> refactor everything`, mentionBot: true }));
    const task = await waitFor(() => tasks(h).find((t) => t.status === "running"), 5000, "the task to run");
    const live = await waitFor(() => h.fake.posts[0], 5000, "the live message");
    const member = { user: HUMAN, roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 };
    await h.fake.dispatch("MESSAGE_REACTION_ADD", {
      user_id: HUMAN.id,
      channel_id: CHANNEL_ID,
      message_id: live.id,
      guild_id: GUILD_ID,
      member,
      emoji: { id: null, name: "🛑" },
      burst: false,
      type: 0,
    });
    // Still held: only the reaction can end this task.
    expect((await h.harness.settle(task.id)).status).toBe("cancelled");
    await waitFor(() => h.fake.edits.find((m) => m.id === live.id && /stopped/i.test(visibleText(m.body))), 5000, "the stopped message");
  });

  it("without a public_key, /koi and Stop arrive over the gateway and are answered by interaction callbacks", async () => {
    const h = await start({ extra: { public_key: undefined } });
    h.harness.hold();
    await h.fake.gatewayInteraction(koi("700000000000000003", "long job"));
    await waitFor(() => h.fake.callbacks.find((c) => c.body.type === 5), 5000, "the deferred callback");
    const task = await waitFor(() => tasks(h).find((t) => t.status === "running"), 5000, "the task to run");
    const original = await waitFor(() => h.fake.posts.find((m) => m.via === "interaction"), 5000, "@original");
    await h.fake.gatewayInteraction(stopClick("700000000000000004", task.id, original));
    await waitFor(() => h.fake.callbacks.find((c) => c.id === "700000000000000004" && c.body.type === 6), 5000, "the stop callback");
    h.harness.release();
    expect((await h.harness.settle(task.id)).status).toBe("cancelled");
    const unmounted = await fetch(`${h.harness.url}/channels/discord/interactions`, { method: "POST", body: "{}" });
    expect(unmounted.status).toBe(404);
  });

  it("a 429 on an edit is waited out by discord.js and the message still ends with the result", async () => {
    const h = await start();
    h.harness.model.respondWith(passingScript("Rate limited but done."));
    const isEdit = (r: { method: string; path: string }) => r.method === "PATCH" && /\/channels\/\d+\/messages\/\d+$/.test(r.path);
    h.fake.failNext(isEdit, {
      status: 429,
      headers: {
        "retry-after": "0.2",
        "x-ratelimit-limit": "5",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset-after": "0.2",
        "x-ratelimit-bucket": "edit-bucket",
        "x-ratelimit-scope": "user",
      },
      json: { message: "You are being rate limited.", retry_after: 0.2, global: false },
    });
    await h.fake.dispatch("MESSAGE_CREATE", userMessage({ id: h.fake.nextId(), content: `<@${BOT_ID}> do it`, mentionBot: true }));
    const task = await nthTask(h, 0);
    await h.harness.settle(task.id);
    const final = await finalWith(h, "Rate limited but done.");
    expect(h.fake.posts.filter((m) => m.channel_id === CHANNEL_ID)).toHaveLength(1);
    expect(final.id).toBe(h.fake.posts[0]?.id);
    const patches = h.fake.rest.requests.filter(isEdit);
    expect(patches.length).toBe(h.fake.edits.length + 1);
  });
});
