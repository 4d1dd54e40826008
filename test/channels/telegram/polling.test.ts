/** Long polling end to end: grammY's bot.start() against the fake's getUpdates, stopped cleanly with the hub. */
import { describe, expect, it } from "vitest";
import { waitFor } from "../../fakes/http.js";
import { messageUpdate, stopUpdate } from "../../fakes/telegram-fake.js";
import { passingScript } from "../../helpers/hub-harness.js";
import { startTelegramHub, tasksOf, unusedContext } from "./helpers.js";

const GROUP = -1001234567890;

describe("telegram channel in polling mode", () => {
  it("takes updates from getUpdates, answers in the thread, handles Stop, and stops polling on shutdown", async () => {
    const hub = await startTelegramHub({ config: { mode: "polling", webhook_secret: undefined } });
    const { fake, harness } = hub;
    let closed = false;
    try {
      const methods = () => fake.calls.map((c) => c.method);
      await waitFor(() => fake.pendingPolls() === 1, 5000, "the first long poll");
      expect(methods().slice(0, 3)).toEqual(["getMe", "deleteWebhook", "getUpdates"]);
      expect(fake.calls[2]?.body).toMatchObject({ offset: 1, timeout: 30, allowed_updates: ["message", "callback_query"] });
      expect((await hub.deliver(messageUpdate(1, { chatId: GROUP, messageId: 5, text: "x", mention: true }))).status).toBe(404);

      harness.model.respondWith(passingScript("Polled and done."));
      fake.pushUpdate(messageUpdate(41, { chatId: GROUP, messageId: 50, text: "count the files", mention: true }));
      const [task] = await waitFor(() => (tasksOf(harness).length ? tasksOf(harness) : undefined), 5000, "the task");
      await harness.settle(task?.id as string);
      await waitFor(() => fake.edits.find((m) => m.text.includes("Polled and done.")), 5000, "the result");
      expect(fake.sent[0]).toMatchObject({ chat_id: String(GROUP), reply_parameters: { message_id: 50 } });

      harness.hold();
      fake.pushUpdate(messageUpdate(42, { chatId: GROUP, messageId: 60, text: "refactor everything", mention: true }));
      const running = await waitFor(() => tasksOf(harness).find((t) => t.status === "running"), 5000, "the second task");
      const shown = await waitFor(() => fake.sent.find((m) => m.reply_parameters?.message_id === 60), 5000, "its live message");
      fake.pushUpdate(stopUpdate(43, { taskId: running.id, chatId: GROUP, messageId: shown.message_id }));
      // The Stop is taken (and answered) while the model is still held; only then may the task go on.
      await waitFor(() => fake.calls.find((c) => c.method === "answerCallbackQuery"), 5000, "the Stop to be answered");
      harness.release();
      expect((await harness.settle(running.id)).status).toBe("cancelled");
      // The next poll confirms what was handled: offset = last update_id + 1.
      await waitFor(() => fake.calls.some((c) => c.method === "getUpdates" && c.body.offset === 44), 5000, "the offset to advance");

      expect(tasksOf(harness)).toHaveLength(2);

      // Shutdown aborts the held long poll (30 s) and confirms the offset; the fake is still up to see it.
      const stopping = Date.now();
      await harness.close();
      closed = true;
      expect(Date.now() - stopping).toBeLessThan(5000);
      expect(fake.pendingPolls()).toBe(0);
      expect(fake.calls.at(-1)).toMatchObject({ method: "getUpdates", body: { offset: 44, limit: 1 } });
    } finally {
      if (!closed) await harness.close();
      await fake.close();
    }
  });

  it("refuses to start when Telegram rejects the token", async () => {
    const { startTelegramFake } = await import("../../fakes/telegram-fake.js");
    const { createChannel } = await import("../../../src/channels/telegram/index.js");
    const fake = await startTelegramFake();
    try {
      const adapter = await createChannel({ bot_token: "999:wrong", mode: "polling", api_root: fake.url }, unusedContext);
      await expect(adapter.start?.()).rejects.toThrow("Telegram said 401 Unauthorized (getMe): check channels.telegram.bot_token");
      expect(fake.calls.map((c) => c.method)).toEqual(["getMe"]);
    } finally {
      await fake.close();
    }
  });
});
