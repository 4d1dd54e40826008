/** The outbound ThreadApi, through the unmodified grammY client, against the fake Bot API. */
import { Api } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChannelConfigError } from "../../../src/channels/health.js";
import { createThreadApi, createThreadMemory } from "../../../src/channels/telegram/api.js";
import { createChannel } from "../../../src/channels/telegram/index.js";
import { OpenKoiError, RateLimitedError } from "../../../src/core/errors.js";
import type { RichMessage } from "../../../src/core/rich-message.js";
import type { ThreadRef } from "../../../src/core/task.js";
import { BOT_TOKEN, startTelegramFake, type TelegramFake, WEBHOOK_SECRET } from "../../fakes/telegram-fake.js";
import { unusedContext } from "./helpers.js";

const thread: ThreadRef = { channel: "telegram", conversation: "-1001234567890", thread: "7/77", extra: { reply_to: "77", topic: "7" } };
const rich = (title: string, buttons: RichMessage["buttons"] = []): RichMessage => ({
  title,
  status: "running",
  fields: [],
  sections: [],
  buttons,
  fallback: title,
});

describe("telegram ThreadApi", () => {
  let fake: TelegramFake;
  beforeEach(async () => {
    fake = await startTelegramFake();
  });
  afterEach(async () => {
    await fake.close();
  });
  const threadApi = (token = BOT_TOKEN) => {
    const memory = createThreadMemory();
    return { memory, api: createThreadApi(new Api(token, { apiRoot: fake.url }), memory) };
  };

  it("posts HTML into the topic as a reply, edits it by id and removes the button at the end", async () => {
    const { api, memory } = threadApi();
    const ref = await api.post(thread, rich("Working <on> it", [{ id: "openkoi_stop", label: "Stop", value: "task-9" }]));
    const [sent] = fake.sent;
    expect(sent).toMatchObject({
      chat_id: "-1001234567890",
      parse_mode: "HTML",
      text: "🟡 <b>Working &lt;on&gt; it</b>",
      message_thread_id: 7,
      reply_parameters: { message_id: 77 },
      reply_markup: { inline_keyboard: [[{ text: "Stop", callback_data: "openkoi_stop:task-9" }]] },
    });
    expect(ref).toEqual({ thread, id: `-1001234567890:${sent?.message_id}`, extra: { chat_id: "-1001234567890", message_id: String(sent?.message_id) } });
    expect(memory.rootOf("-1001234567890", sent?.message_id ?? 0)).toBe("7/77");
    await api.update(ref, { ...rich("Done"), status: "passed" });
    expect(fake.edits).toEqual([expect.objectContaining({ message_id: sent?.message_id, text: "✅ <b>Done</b>", reply_markup: { inline_keyboard: [] } })]);
  });

  it("treats Telegram's 'message is not modified' as done", async () => {
    const { api } = threadApi();
    const ref = await api.post(thread, rich("Same"));
    await expect(api.update(ref, rich("Same"))).resolves.toBeUndefined();
    expect(fake.calls.filter((c) => c.method === "editMessageText")).toHaveLength(1);
  });

  it("turns a 429 into RateLimitedError carrying parameters.retry_after", async () => {
    const { api } = threadApi();
    const ref = await api.post(thread, rich("Busy"));
    fake.failNext("editMessageText", { error_code: 429, description: "Too Many Requests: retry after 7", retry_after: 7 });
    const error = await api.update(ref, rich("Busier")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(7000);
  });

  it("sends plain text without a parse mode and reacts with 👀", async () => {
    const { api } = threadApi();
    await api.postText(thread, "a < b & c");
    expect(fake.sent[0]).toMatchObject({ text: "a < b & c", parse_mode: undefined, message_thread_id: 7 });
    await api.react?.(thread, "77", "eyes");
    expect(fake.calls.at(-1)).toMatchObject({
      method: "setMessageReaction",
      body: { chat_id: "-1001234567890", message_id: 77, reaction: [{ type: "emoji", emoji: "👀" }] },
    });
  });

  it("explains a rejected token", async () => {
    const { api } = threadApi("999:wrong");
    const error = await api.postText(thread, "hi").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenKoiError);
    expect((error as Error).message).toBe("Telegram said 401 Unauthorized (sendMessage): check channels.telegram.bot_token");
  });

  it("doctor: reports the bot and its webhook, and says what to do when none is set", async () => {
    const webhook = await createChannel({ bot_token: BOT_TOKEN, webhook_secret: WEBHOOK_SECRET, api_root: fake.url }, unusedContext);
    await expect(webhook.check?.()).rejects.toThrow("@openkoi_test_bot (id 123456) has no webhook, so Telegram delivers nothing: run `openkoi setup telegram`");
    fake.setWebhookInfo({ url: "https://hub.example.com/channels/telegram/webhook", last_error_message: "Connection refused" });
    await expect(webhook.check?.()).resolves.toBe(
      "@openkoi_test_bot (id 123456), webhook https://hub.example.com/channels/telegram/webhook, 0 pending; Telegram's last delivery error: Connection refused",
    );
    const polling = await createChannel({ bot_token: BOT_TOKEN, mode: "polling", api_root: fake.url }, unusedContext);
    await expect(polling.check?.()).resolves.toBe(`@openkoi_test_bot (id 123456), long polling ${fake.url}`);
    expect(polling.mount).toBeUndefined();
  });

  it("webhook mode learns the bot's username at start; a rejected token is a configuration error, an unreachable API is retried", async () => {
    const good = await createChannel({ bot_token: BOT_TOKEN, webhook_secret: WEBHOOK_SECRET, api_root: fake.url }, unusedContext);
    await expect(good.start?.()).resolves.toBeUndefined();
    expect(fake.calls.map((c) => c.method)).toEqual(["getMe"]);
    const rejected = await createChannel({ bot_token: "999:wrong", webhook_secret: WEBHOOK_SECRET, api_root: fake.url }, unusedContext);
    const refusal = await rejected.start?.().catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ChannelConfigError);
    expect(refusal).toMatchObject({
      message: "Telegram said 401 Unauthorized (getMe): check channels.telegram.bot_token",
      fix: "check channels.telegram.bot_token",
    });
    const offline = await createChannel({ bot_token: BOT_TOKEN, webhook_secret: WEBHOOK_SECRET, api_root: "http://127.0.0.1:9" }, unusedContext);
    const down = await offline.start?.().catch((error: unknown) => error);
    expect(down).not.toBeInstanceOf(ChannelConfigError);
    expect(String(down)).toContain("Could not reach the Telegram Bot API (getMe)");
  });
});
