/** Telegram-specific behaviour through a real hub, webhook mode, the fake Bot API and the scripted model. */
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../../fakes/http.js";
import { BOT, messageUpdate, stopUpdate, userId, visibleText } from "../../fakes/telegram-fake.js";
import { passingScript, sentToModel } from "../../helpers/hub-harness.js";
import { startTelegramHub, type TelegramHub, tasksOf } from "./helpers.js";

const GROUP = -1001234567890;

describe("telegram channel in a hub (webhook mode)", () => {
  let hub: TelegramHub | undefined;
  const start = async (options?: Parameters<typeof startTelegramHub>[0]) => {
    hub = await startTelegramHub(options);
    return hub;
  };
  afterEach(async () => {
    await hub?.close();
    hub = undefined;
  });
  const finished = async (h: TelegramHub) => {
    const [task] = await waitFor(() => (tasksOf(h.harness).length ? tasksOf(h.harness) : undefined), 5000, "the task");
    return h.harness.settle(task?.id as string);
  };

  it("runs a private-chat message without a mention and answers in that chat", async () => {
    const h = await start();
    h.harness.model.respondWith(passingScript("Tests fixed."));
    const res = await h.deliver(messageUpdate(1, { chatId: userId("alice"), messageId: 5, text: "fix the tests", chatType: "private" }));
    expect(res.status).toBe(200);
    const task = await finished(h);
    expect(task.request).toMatchObject({ description: "fix the tests", origin: { kind: "telegram", user: String(userId("alice")) } });
    const final = await waitFor(() => h.fake.edits.find((m) => m.text.includes("Tests fixed.")), 5000, "the result");
    expect(final.chat_id).toBe(String(userId("alice")));
    expect(h.fake.sent[0]).toMatchObject({ message_id: final.message_id, reply_parameters: { message_id: 5 } });
    expect(h.fake.calls.find((c) => c.method === "setMessageReaction")?.body).toMatchObject({ message_id: 5, reaction: [{ type: "emoji", emoji: "👀" }] });
  });

  it('treats a private chat as one thread: a plain "stop" there cancels the running task', async () => {
    const h = await start();
    h.harness.hold();
    const dm = { chatId: userId("alice"), chatType: "private" as const };
    await h.deliver(messageUpdate(20, { ...dm, messageId: 5, text: "rewrite the docs" }));
    const task = await waitFor(() => tasksOf(h.harness).find((t) => t.status === "running"), 5000, "the running task");
    const res = await h.deliver(messageUpdate(21, { ...dm, messageId: 6, text: "stop" }));
    expect(res.status).toBe(200);
    h.harness.release();
    expect((await h.harness.settle(task.id)).status).toBe("cancelled");
    expect(tasksOf(h.harness)).toHaveLength(1);
  });

  it("ignores a group message that does not mention the bot", async () => {
    const h = await start();
    const res = await h.deliver(messageUpdate(2, { chatId: GROUP, messageId: 6, text: "anyone seen the build?" }));
    expect(res.status).toBe(200);
    expect(tasksOf(h.harness)).toHaveLength(0);
    expect(h.fake.calls.filter((c) => c.method !== "getMe")).toHaveLength(0);
  });

  it("keeps a forum topic: replies and edits stay in message_thread_id", async () => {
    const h = await start();
    await h.deliver(messageUpdate(3, { chatId: GROUP, messageId: 70, text: "build it", mention: true, topic: 7 }));
    const task = await finished(h);
    expect(task.request.origin.thread).toEqual({ channel: "telegram", conversation: String(GROUP), thread: "7/70", extra: { reply_to: "70", topic: "7" } });
    await waitFor(() => h.fake.edits.find((m) => m.text.startsWith("✅")), 5000, "the final edit");
    expect(h.fake.sent).toHaveLength(1);
    expect(h.fake.sent[0]).toMatchObject({ chat_id: String(GROUP), message_thread_id: 7, reply_parameters: { message_id: 70 } });
    expect(new Set(h.fake.edits.map((m) => m.message_id))).toEqual(new Set([h.fake.sent[0]?.message_id]));
  });

  it("escapes user and model text in HTML, so Telegram shows it verbatim", async () => {
    const h = await start();
    h.harness.model.respondWith(passingScript('Use <div class="x"> & </div>, not <b>.'));
    await h.deliver(messageUpdate(4, { chatId: GROUP, messageId: 8, text: "why is <b>bold</b> & broken?", mention: true }));
    await finished(h);
    const final = await waitFor(() => h.fake.edits.find((m) => m.text.startsWith("✅")), 5000, "the final edit");
    expect(final.parse_mode).toBe("HTML");
    expect(final.text).toContain("why is &lt;b&gt;bold&lt;/b&gt; &amp; broken?");
    expect(final.text).toContain('Use &lt;div class="x"&gt; &amp; &lt;/div&gt;, not &lt;b&gt;.');
    expect(visibleText(final)).toContain('Use <div class="x"> & </div>, not <b>.');
  });

  it("honours retry_after when Telegram answers an edit with 429", async () => {
    const h = await start();
    h.harness.model.respondWith(passingScript("Finished despite the rate limit."));
    h.fake.failNext("editMessageText", { error_code: 429, description: "Too Many Requests: retry after 1", retry_after: 1 });
    await h.deliver(messageUpdate(5, { chatId: GROUP, messageId: 9, text: "go", mention: true }));
    await finished(h);
    await waitFor(() => h.fake.edits.find((m) => m.text.includes("Finished despite the rate limit.")), 8000, "the result after the wait");
    const edits = h.fake.calls.filter((c) => c.method === "editMessageText");
    const [limited, retried] = edits;
    expect(retried).toBeDefined();
    expect((retried?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it("continues the thread when a user replies to the bot's message without a mention", async () => {
    const h = await start();
    await h.deliver(messageUpdate(6, { chatId: GROUP, messageId: 20, text: "list the files", mention: true }));
    const first = await finished(h);
    const botMessage = await waitFor(() => h.fake.sent[0], 5000, "the bot's message");
    await h.deliver(
      messageUpdate(7, { chatId: GROUP, messageId: 21, text: "now count them", replyTo: { message_id: botMessage.message_id, from: { ...BOT } } }),
    );
    const second = await waitFor(() => tasksOf(h.harness).find((t) => t.id !== first.id), 5000, "the follow-up task");
    await h.harness.settle(second.id);
    const followUp = h.harness.hub.store.getTask(second.id);
    expect(followUp?.request.origin.thread).toMatchObject({ conversation: String(GROUP), thread: "20", extra: { reply_to: "21" } });
    expect(sentToModel(h.harness, "now count them")).toContain("list the files");
    expect(h.fake.sent.find((m) => m.reply_parameters?.message_id === 21)).toBeDefined();
  });

  it("lets only allowed users press Stop, and only on the message showing that task", async () => {
    const h = await start({ allowUsers: ["alice"] });
    h.harness.hold();
    await h.deliver(messageUpdate(8, { chatId: GROUP, messageId: 30, text: "refactor", mention: true, user: "alice" }));
    const task = await waitFor(() => tasksOf(h.harness).find((t) => t.status === "running"), 5000, "the running task");
    const shown = await waitFor(() => h.fake.sent[0], 5000, "the live message");
    const answers = () => h.fake.calls.filter((c) => c.method === "answerCallbackQuery").map((c) => c.body.text);
    await h.deliver(stopUpdate(9, { taskId: task.id, chatId: GROUP, messageId: shown.message_id, user: "mallory" }));
    await h.deliver(stopUpdate(10, { taskId: task.id, chatId: GROUP, messageId: shown.message_id + 99, user: "alice" }));
    await waitFor(() => answers().length === 2, 5000, "two answers");
    expect(answers()).toEqual(["You are not allowed to stop openkoi tasks here.", "This button does not belong to a task of this message."]);
    expect(h.harness.hub.store.getTask(task.id)?.status).toBe("running");
    await h.deliver(stopUpdate(11, { taskId: task.id, chatId: GROUP, messageId: shown.message_id, user: "alice" }));
    h.harness.release();
    expect((await h.harness.settle(task.id)).status).toBe("cancelled");
    await waitFor(() => answers().includes("Stopping…"), 5000, "the Stopping answer");
    const stopped = await waitFor(() => h.fake.edits.find((m) => m.text.startsWith("🛑")), 5000, "the stopped message");
    expect(stopped.reply_markup).toEqual({ inline_keyboard: [] });
  });

  it("answers 401 without the secret header and 400 for a body that is no update", async () => {
    const h = await start();
    const update = messageUpdate(12, { chatId: GROUP, messageId: 40, text: "x", mention: true });
    expect((await h.deliver(update, null)).status).toBe(401);
    const bad = await fetch(`${h.harness.url}/channels/telegram/webhook`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": "test-secret_1" },
      body: "{not json",
    });
    expect(bad.status).toBe(400);
    expect(tasksOf(h.harness)).toHaveLength(0);
  });
});
