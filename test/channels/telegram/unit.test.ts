import { describe, expect, it } from "vitest";
import { parseTelegramConfig } from "../../../src/channels/telegram/config.js";
import { parseUpdate, stripAddress } from "../../../src/channels/telegram/parse.js";
import { escapeHtml, renderMessage, textToHtml, visibleLength } from "../../../src/channels/telegram/render.js";
import { setupInstructions } from "../../../src/channels/telegram/setup.js";
import { verifySecretToken } from "../../../src/channels/telegram/verify.js";
import { ConfigError, VerificationError } from "../../../src/core/errors.js";
import type { RichMessage } from "../../../src/core/rich-message.js";
import { BOT, BOT_TOKEN, messageUpdate, stopUpdate, userId, userOf } from "../../fakes/telegram-fake.js";

const me = { id: BOT.id, username: BOT.username };
const GROUP = -1001234567890;

describe("telegram config", () => {
  it("defaults to webhook mode on the public Bot API and strips a trailing slash", () => {
    const config = parseTelegramConfig({ bot_token: BOT_TOKEN, webhook_secret: "s3cret", api_root: "http://127.0.0.1:9/" });
    expect(config.mode).toBe("webhook");
    expect(config.api_root).toBe("http://127.0.0.1:9");
    expect(parseTelegramConfig({ bot_token: BOT_TOKEN, webhook_secret: "s" }).api_root).toBe("https://api.telegram.org");
    expect(config.tools).toEqual(["read"]);
  });

  it("refuses webhook mode without a secret, and names the key", () => {
    const error = (() => {
      try {
        parseTelegramConfig({ bot_token: BOT_TOKEN });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems[0]).toMatch(/^channels\.telegram\.webhook_secret: required in webhook mode/);
    expect(parseTelegramConfig({ bot_token: BOT_TOKEN, mode: "polling" }).webhook_secret).toBeUndefined();
  });

  it("rejects unknown keys, bad tokens and secrets Telegram would refuse", () => {
    const problems = (raw: unknown) => {
      try {
        parseTelegramConfig(raw);
        return [];
      } catch (e) {
        return (e as ConfigError).problems;
      }
    };
    expect(problems({ bot_token: BOT_TOKEN, mode: "polling", botToken: "x" }).join()).toMatch(/channels\.telegram: .*botToken/);
    expect(problems({ bot_token: "not-a-token", mode: "polling" })[0]).toMatch(/^channels\.telegram\.bot_token: expected the token @BotFather/);
    expect(problems({ bot_token: BOT_TOKEN, webhook_secret: "has space" })[0]).toMatch(/^channels\.telegram\.webhook_secret: use 1-256/);
    expect(problems({ bot_token: BOT_TOKEN, mode: "polling", tools: ["root"] })[0]).toMatch(/^channels\.telegram\.tools\.0/);
  });
});

describe("telegram secret-token verification", () => {
  it("accepts the exact secret and rejects a wrong, shorter, longer or missing one", () => {
    expect(() => verifySecretToken("s3cret_-X", "s3cret_-X")).not.toThrow();
    for (const header of ["s3cret_-Y", "s3cret", "s3cret_-XX", "", undefined]) {
      expect(() => verifySecretToken(header, "s3cret_-X")).toThrow(VerificationError);
    }
    expect(() => verifySecretToken(undefined, "x")).toThrow(/X-Telegram-Bot-Api-Secret-Token/);
  });
});

describe("telegram update parsing", () => {
  it("turns a group mention into an addressed message with the mention stripped", () => {
    const event = parseUpdate(messageUpdate(900, { chatId: GROUP, messageId: 42, text: "summarise the repo", mention: true, user: "alice" }), me);
    expect(event.kind).toBe("message");
    if (event.kind !== "message") return;
    expect(event.message).toEqual({
      channel: "telegram",
      deliveryKey: `900:${GROUP}:42`,
      thread: { channel: "telegram", conversation: String(GROUP), thread: "42", extra: { reply_to: "42" } },
      messageId: "42",
      user: String(userId("alice")),
      places: [String(GROUP)],
      text: "summarise the repo",
      addressed: true,
      isDirect: false,
    });
  });

  it("marks a group message without a mention as not addressed, and a private one as direct", () => {
    const group = parseUpdate(messageUpdate(1, { chatId: GROUP, messageId: 5, text: "just chatting" }), me);
    expect(group.kind === "message" && group.message.addressed).toBe(false);
    const dm = parseUpdate(messageUpdate(2, { chatId: 99, messageId: 6, text: "fix the tests", chatType: "private" }), me);
    expect(dm.kind === "message" && dm.message).toMatchObject({ addressed: true, isDirect: true, text: "fix the tests" });
    // A private chat is one conversation: the next message (no reply) lands in the same thread, so "stop" works there.
    const next = parseUpdate(messageUpdate(3, { chatId: 99, messageId: 7, text: "stop", chatType: "private" }), me);
    expect(next.kind === "message" && next.message.thread).toEqual({ channel: "telegram", conversation: "99", thread: undefined, extra: { reply_to: "7" } });
  });

  it("keeps the forum topic and ignores the topic's opening message as a reply target", () => {
    const event = parseUpdate(messageUpdate(3, { chatId: GROUP, messageId: 77, text: "build it", mention: true, topic: 7 }), me);
    if (event.kind !== "message") throw new Error("expected a message");
    expect(event.message.thread).toEqual({ channel: "telegram", conversation: String(GROUP), thread: "7/77", extra: { reply_to: "77", topic: "7" } });
    expect(event.message.places).toEqual([String(GROUP), `${GROUP}/7`]);
  });

  it("continues the thread when someone replies to the bot's message, without a mention", () => {
    const botMessage = { message_id: 1001, from: { ...BOT }, text: "🟡 Working on it" };
    const roots = (chat: string, id: number) => (chat === String(GROUP) && id === 1001 ? "42" : undefined);
    const event = parseUpdate(messageUpdate(4, { chatId: GROUP, messageId: 50, text: "now add tests", replyTo: botMessage }), me, roots);
    if (event.kind !== "message") throw new Error("expected a message");
    expect(event.message).toMatchObject({ addressed: true, thread: { thread: "42", extra: { reply_to: "50" } } });
    const otherUser = parseUpdate(messageUpdate(5, { chatId: GROUP, messageId: 51, text: "agreed", replyTo: { message_id: 50, from: userOf("bob") } }), me);
    expect(otherUser.kind === "message" && otherUser.message).toMatchObject({ addressed: false, thread: { thread: "50" } });
  });

  it("strips mentions, text_mentions and commands addressed to the bot, and maps /stop to the stop word", () => {
    const mention = [{ type: "mention" as const, offset: 6, length: 17 }];
    expect(stripAddress("hello @OpenKoi_Test_Bot, do X", mention, me)).toEqual({ text: "hello , do X", mentioned: true });
    expect(stripAddress("@someone_else do X", [{ type: "mention", offset: 0, length: 13 }], me)).toEqual({ text: "@someone_else do X", mentioned: false });
    const textMention = [{ type: "text_mention" as const, offset: 0, length: 7, user: { id: BOT.id, is_bot: true, first_name: "openkoi" } }];
    expect(stripAddress("openkoi: run the linter", textMention, me)).toEqual({ text: "run the linter", mentioned: true });
    expect(stripAddress("/ask@openkoi_test_bot what changed?", [{ type: "bot_command", offset: 0, length: 21 }], me)).toEqual({
      text: "what changed?",
      mentioned: true,
    });
    expect(stripAddress("/ask@other_bot hi", [{ type: "bot_command", offset: 0, length: 14 }], me).mentioned).toBe(false);
    expect(stripAddress("/stop", [{ type: "bot_command", offset: 0, length: 5 }], me)).toEqual({ text: "stop", mentioned: true });
    expect(stripAddress("🎉 @openkoi_test_bot go", [{ type: "mention", offset: 3, length: 17 }], me).text).toBe("🎉 go");
    const code = "@openkoi_test_bot fix this:\n    if (a) {\n        b();\n    }";
    expect(stripAddress(code, [{ type: "mention", offset: 0, length: 17 }], me).text).toBe("fix this:\n    if (a) {\n        b();\n    }");
  });

  it("ignores the bot's own messages, edits, empty mentions and foreign buttons", () => {
    const own = messageUpdate(6, { chatId: GROUP, messageId: 8, text: "hi" });
    if (own.message) own.message.from = { ...BOT };
    expect(parseUpdate(own, me)).toEqual({ kind: "ignore", reason: "the bot's own message" });
    const edited = messageUpdate(7, { chatId: GROUP, messageId: 9, text: "x", mention: true });
    if (!edited.message) throw new Error("expected a message");
    expect(parseUpdate({ update_id: 7, edited_message: { ...edited.message, edit_date: 2 } }, me).kind).toBe("ignore");
    expect(parseUpdate(messageUpdate(8, { chatId: GROUP, messageId: 10, text: "", mention: true }), me).kind).toBe("ignore");
    const other = stopUpdate(9, { taskId: "t1", chatId: GROUP, messageId: 1001 });
    if (other.callback_query) other.callback_query.data = "something_else:1";
    expect(parseUpdate(other, me).kind).toBe("ignore");
  });

  it("reads the Stop button's task id, presser and message", () => {
    const event = parseUpdate(stopUpdate(10, { taskId: "task-123", chatId: GROUP, messageId: 1001, user: "carol" }), me);
    expect(event).toEqual({
      kind: "stop",
      taskId: "task-123",
      user: String(userId("carol")),
      userName: "@carol",
      places: [String(GROUP)],
      callbackQueryId: "cq-10",
      messageRef: `${GROUP}:1001`,
    });
  });
});

const message = (over: Partial<RichMessage> = {}): RichMessage => ({
  title: "Working on it: fix <b>bold</b> & co",
  status: "running",
  progress: "iteration 1/3 · $0.01",
  fields: [
    { label: "Score", value: "0.90" },
    { label: "Files <changed>", value: "a&b.ts" },
  ],
  sections: [{ kind: "text", text: 'Use <script>alert(1)</script> & "quotes"' }],
  buttons: [{ id: "openkoi_stop", label: "Stop", value: "task-1", style: "danger" }],
  fallback: "Working on it",
  ...over,
});

describe("telegram rendering (HTML parse mode)", () => {
  it("escapes &, < and > in all user and model text and renders title, fields and the Stop button", () => {
    const { text, reply_markup } = renderMessage(message());
    expect(text).toBe(
      [
        "🟡 <b>Working on it: fix &lt;b&gt;bold&lt;/b&gt; &amp; co</b>",
        "<i>iteration 1/3 · $0.01</i>",
        "",
        "<b>Score:</b> 0.90",
        "<b>Files &lt;changed&gt;:</b> a&amp;b.ts",
        "",
        'Use &lt;script&gt;alert(1)&lt;/script&gt; &amp; "quotes"',
      ].join("\n"),
    );
    expect(reply_markup).toEqual({ inline_keyboard: [[{ text: "Stop", callback_data: "openkoi_stop:task-1" }]] });
  });

  it("shows the status emoji and drops the keyboard when the task is over", () => {
    expect(renderMessage(message({ status: "passed", buttons: [] })).text.startsWith("✅ ")).toBe(true);
    expect(renderMessage(message({ status: "failed", buttons: [] })).text.startsWith("❌ ")).toBe(true);
    const stopped = renderMessage(message({ status: "cancelled", buttons: [] }));
    expect(stopped.text.startsWith("🛑 ")).toBe(true);
    expect(stopped.reply_markup).toEqual({ inline_keyboard: [] });
  });

  it("renders code sections and fenced model code as escaped <pre>", () => {
    const { text } = renderMessage(message({ sections: [{ kind: "code", text: "if (a < b && c) {}" }] }));
    expect(text).toContain("<pre>if (a &lt; b &amp;&amp; c) {}</pre>");
    expect(textToHtml("Run:\n```ts\nconst x = a<b;\n```\ndone")).toBe('Run:\n<pre><code class="language-ts">const x = a&lt;b;</code></pre>\ndone');
    expect(textToHtml("cut ```\nno end <")).toBe("cut <pre>no end &lt;</pre>");
  });

  it("stays within 4096 visible characters however long the sections are", () => {
    const long = message({
      sections: [
        { kind: "text", text: "<&>".repeat(3000) },
        { kind: "code", text: "x".repeat(5000) },
      ],
    });
    const { text } = renderMessage(long);
    expect(visibleLength(text)).toBeLessThanOrEqual(4096);
    expect(text).toContain("&lt;&amp;&gt;");
    expect(text).toMatch(/<pre>x{1000,}…<\/pre>$/);
    expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
  });

  it("escapes exactly the three characters Telegram HTML requires", () => {
    expect(escapeHtml(`<a href="x">Tom & 'Jerry'</a>`)).toBe(`&lt;a href="x"&gt;Tom &amp; 'Jerry'&lt;/a&gt;`);
  });
});

describe("telegram setup", () => {
  it("prints the setWebhook call for this hub without embedding the secrets", () => {
    const text = setupInstructions({ bot_token: BOT_TOKEN, webhook_secret: "real-secret" }, "https://hub.example.com/");
    expect(text).toContain(`curl -sS "https://api.telegram.org/bot$TELEGRAM_BOT_TOKEN/setWebhook"`);
    expect(text).toContain(`"url":"https://hub.example.com/channels/telegram/webhook"`);
    expect(text).toContain(`"secret_token":"'"$TELEGRAM_WEBHOOK_SECRET"'"`);
    expect(text).toContain(`"allowed_updates":["message","callback_query"]`);
    expect(text).not.toContain("real-secret");
    expect(text).not.toContain(BOT_TOKEN);
    expect(setupInstructions({ bot_token: BOT_TOKEN, webhook_secret: "s" }, "http://10.0.0.5:9742")).toMatch(/only delivers to https/);
    expect(setupInstructions({ bot_token: BOT_TOKEN, mode: "polling" }, "")).toMatch(/deleteWebhook and getUpdates itself/);
  });
});
