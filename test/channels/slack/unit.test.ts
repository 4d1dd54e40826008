/** Pure parts of the Slack channel: signature, payload parsing, Block Kit rendering, mrkdwn escaping, config, setup. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseSlackConfig } from "../../../src/channels/slack/config.js";
import { escapeMrkdwn, toMrkdwn } from "../../../src/channels/slack/mrkdwn.js";
import { parseBody, parseSlack, plainText } from "../../../src/channels/slack/parse.js";
import { renderMessage, sectionTexts } from "../../../src/channels/slack/render.js";
import { setupInstructions, slackManifest } from "../../../src/channels/slack/setup.js";
import { slackSignature, verifySlackSignature } from "../../../src/channels/slack/verify.js";
import { emptyView, taskMessage } from "../../../src/channels/task-view.js";
import { ConfigError, VerificationError } from "../../../src/core/errors.js";
import type { RichMessage } from "../../../src/core/rich-message.js";

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/slack/${name}.json`, import.meta.url), "utf8")) as Record<string, unknown>;

describe("verifySlackSignature", () => {
  // The worked example from Slack's "Verifying requests from Slack" guide.
  const secret = "8f742231b10e8888abcd99yyyzzz85a5";
  const body =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
  const documented = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
  const at = 1531420618;
  const input = { signingSecret: secret, rawBody: body, signature: documented, timestamp: String(at), nowMs: at * 1000 + 30_000 };

  it("computes Slack's documented signature and accepts it", () => {
    expect(slackSignature(secret, at, body)).toBe(documented);
    expect(() => verifySlackSignature(input)).not.toThrow();
  });

  it("rejects a changed body, a wrong secret, a missing header and a malformed signature", () => {
    expect(() => verifySlackSignature({ ...input, rawBody: `${body}&x=1` })).toThrow(VerificationError);
    expect(() => verifySlackSignature({ ...input, signingSecret: "other" })).toThrow(/signing_secret/);
    expect(() => verifySlackSignature({ ...input, signature: undefined })).toThrow(/X-Slack-Signature/);
    expect(() => verifySlackSignature({ ...input, signature: "v0=short" })).toThrow(VerificationError);
    expect(() => verifySlackSignature({ ...input, timestamp: "12abc" })).toThrow(/not a number/);
  });

  it("rejects timestamps more than five minutes old or ahead (replays, skewed clocks)", () => {
    expect(() => verifySlackSignature({ ...input, nowMs: (at + 301) * 1000 })).toThrow(/5 minutes/);
    expect(() => verifySlackSignature({ ...input, nowMs: (at - 301) * 1000 })).toThrow(/5 minutes/);
    expect(() => verifySlackSignature({ ...input, nowMs: (at + 299) * 1000 })).not.toThrow();
  });
});

describe("parseSlack", () => {
  it("turns an app_mention into an addressed message in the mention's thread, the mention stripped", () => {
    const inbound = parseSlack(fixture("app_mention"));
    expect(inbound).toEqual({
      kind: "message",
      message: {
        channel: "slack",
        deliveryKey: "Ev123ABC456",
        thread: { channel: "slack", conversation: "C123ABC456", thread: "1515449522.000016" },
        messageId: "1515449522.000016",
        user: "U123ABC456",
        places: ["C123ABC456", "T123ABC456"],
        text: "is it everything a river should be? See https://example.com/river?a=1&b=2 & <@U0OTHER>",
        addressed: true,
        isDirect: false,
      },
    });
  });

  it("turns a thread reply into an unaddressed message of that thread (the hub decides on engagement)", () => {
    const inbound = parseSlack(fixture("message_thread_reply"));
    expect(inbound).toMatchObject({
      kind: "message",
      message: { addressed: false, isDirect: false, messageId: "1515449600.000200", thread: { thread: "1515449522.000016" } },
    });
  });

  it("treats a direct message as addressed, decoding Slack's entities", () => {
    const inbound = parseSlack(fixture("message_im"));
    expect(inbound).toMatchObject({
      kind: "message",
      message: { addressed: true, isDirect: true, text: "what does `x < y` mean?", thread: { conversation: "D123ABC456", thread: "1515449700.000300" } },
    });
  });

  it("ignores the bot's own posts, edits, top-level chatter and the message copy of a mention", () => {
    const reply = fixture("message_thread_reply");
    const event = reply.event as Record<string, unknown>;
    expect(parseSlack(fixture("message_from_bot")).kind).toBe("ignore");
    expect(parseSlack({ ...reply, event: { ...event, user: "U0LAN0Z89", bot_id: "B0LAN0Z89" } })).toMatchObject({
      kind: "ignore",
      reason: "the bot's own message",
    });
    expect(parseSlack({ ...reply, event: { ...event, subtype: "message_changed" } }).kind).toBe("ignore");
    expect(parseSlack({ ...reply, event: { ...event, thread_ts: undefined } })).toMatchObject({
      kind: "ignore",
      reason: "a channel message outside any thread",
    });
    expect(parseSlack({ ...reply, event: { ...event, text: "<@U0LAN0Z89> again" } })).toMatchObject({
      kind: "ignore",
      reason: "a mention (handled as app_mention)",
    });
    expect(parseSlack({ ...reply, event: { ...event, subtype: "thread_broadcast" } }).kind).toBe("message");
  });

  it("reads a 🛑 reaction and the Stop button; other reactions and actions are ignored", () => {
    const reaction = fixture("reaction_added");
    expect(parseSlack(reaction)).toEqual({ kind: "stop-message", messageId: "1515449800.000400", userId: "U123ABC456", places: ["C123ABC456", "T123ABC456"] });
    expect(parseSlack({ ...reaction, event: { ...(reaction.event as object), reaction: "eyes" } }).kind).toBe("ignore");
    const action = fixture("block_actions");
    expect(parseSlack(action)).toEqual({
      kind: "stop-task",
      taskId: "9b2f3c1e-4d5a-4b6c-8d7e-0f1a2b3c4d5e",
      userId: "U123ABC456",
      by: "alice",
      places: ["C123ABC456", "T123ABC456"],
    });
    expect(parseSlack({ ...action, actions: [{ action_id: "other", value: "x" }] }).kind).toBe("ignore");
  });

  it("answers url_verification and parses form-encoded interactivity bodies", () => {
    expect(parseSlack({ type: "url_verification", challenge: "abc" })).toEqual({ kind: "challenge", challenge: "abc" });
    const form = new URLSearchParams({ payload: JSON.stringify(fixture("block_actions")) }).toString();
    expect(parseBody(form, "application/x-www-form-urlencoded")?.type).toBe("block_actions");
    expect(parseBody("{not json", "application/json")).toBeUndefined();
  });

  it("strips only the bot's mention and unwraps links", () => {
    expect(plainText("<@UBOT|openkoi> hi <@UOTHER> <mailto:a@b.c|a@b.c>", "UBOT")).toBe("hi <@UOTHER> mailto:a@b.c");
    expect(plainText("<@UBOT> hi", undefined)).toBe("hi");
  });
});

describe("mrkdwn", () => {
  it("escapes Slack's control characters so text cannot ping or forge links", () => {
    expect(escapeMrkdwn("<!channel> & <@U1> <https://evil|click>")).toBe("&lt;!channel&gt; &amp; &lt;@U1&gt; &lt;https://evil|click&gt;");
    expect(toMrkdwn("hey <!here>")).toBe("hey &lt;!here&gt;");
  });

  it("turns the model's Markdown into mrkdwn, leaving code alone", () => {
    const md = "# Result\n**Bold** and ~~gone~~, see [docs](https://x.dev/a?b=1&c=2)\n- one\n```ts\nconst a = b < c && **d**;\n```\nand `a **b**`";
    expect(toMrkdwn(md)).toBe(
      "*Result*\n*Bold* and ~gone~, see <https://x.dev/a?b=1&amp;c=2|docs>\n• one\n```const a = b &lt; c &amp;&amp; **d**;```\nand `a **b**`",
    );
  });
});

describe("renderMessage", () => {
  const running = taskMessage(
    { ...emptyView("task-1", "count the <files> & dirs"), iteration: 1, maxIterations: 3, phase: "working", plan: ["List files"] },
    1800,
  );

  it("renders a header, the progress context, fields, sections, a danger Stop button and the status colour", () => {
    const body = renderMessage(running);
    expect(body.text).toBe(running.fallback);
    expect(body.blocks).toEqual([
      { type: "header", text: { type: "plain_text", text: "Working on it: count the <files> & dirs", emoji: true } },
      { type: "context", elements: [{ type: "mrkdwn", text: "iteration 1/3 · $0.00" }] },
    ]);
    const [attachment] = body.attachments;
    expect(attachment?.color).toBe("#f2c744");
    expect(attachment?.fallback).toBe(running.fallback);
    expect(attachment?.blocks).toEqual([
      {
        type: "section",
        fields: [
          { type: "mrkdwn", text: "*Iterations*\n1/3" },
          { type: "mrkdwn", text: "*Cost*\n$0.00" },
        ],
      },
      { type: "section", text: { type: "mrkdwn", text: "1. List files" } },
      {
        type: "actions",
        elements: [{ type: "button", action_id: "openkoi_stop", text: { type: "plain_text", text: "Stop", emoji: true }, value: "task-1", style: "danger" }],
      },
    ]);
  });

  it("colours by status and drops the button when finished", () => {
    const done: RichMessage = { ...running, status: "passed", buttons: [] };
    expect(renderMessage(done).attachments[0]?.color).toBe("#36a64f");
    expect(renderMessage({ ...done, status: "failed" }).attachments[0]?.color).toBe("#cc0000");
    expect(renderMessage({ ...done, status: "cancelled" }).attachments[0]?.color).toBe("#cc0000");
    expect(JSON.stringify(renderMessage(done))).not.toContain("actions");
  });

  it("keeps every section within Slack's 3000 characters, even when escaping grows the text", () => {
    const pieces = sectionTexts("<&>".repeat(2500), "text");
    expect(pieces.length).toBeGreaterThan(2);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(3000);
    expect(pieces.join("")).toBe(escapeMrkdwn("<&>".repeat(2500)));
    const code = sectionTexts("x".repeat(5000), "code");
    for (const piece of code) expect(piece).toMatch(/^```x+```$/);
  });

  it("stays within 50 blocks and 10 fields per section", () => {
    const many: RichMessage = {
      ...running,
      fields: Array.from({ length: 23 }, (_, i) => ({ label: `f${i}`, value: String(i) })),
      sections: Array.from({ length: 80 }, (_, i) => ({ kind: "text" as const, text: `s${i}` })),
    };
    const rendered = renderMessage(many);
    const blocks = rendered.attachments[0]?.blocks ?? [];
    expect(rendered.blocks.length + blocks.length).toBeLessThanOrEqual(50);
    expect(blocks.filter((b) => Array.isArray(b.fields)).map((b) => (b.fields as unknown[]).length)).toEqual([10, 10, 3]);
    expect(blocks.at(-1)?.type).toBe("actions");
  });
});

describe("config and setup", () => {
  it("validates [channels.slack] with the shared policy keys and reports problems by path", () => {
    const config = parseSlackConfig({ bot_token: "xoxb-1", signing_secret: "s", allow_users: ["U1"], tools: ["read", "write"] });
    expect(config.api_url).toBe("https://slack.com/api/");
    expect(config.allow_users).toEqual(["U1"]);
    expect(() => parseSlackConfig({ bot_token: "xoxb-1" })).toThrow(ConfigError);
    const error = (() => {
      try {
        parseSlackConfig({ signing_secret: "s", app_token: "xoxb-wrong", colour: "red" });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toContain(
      'channels.slack.bot_token: set the bot token, e.g. bot_token = "{env:SLACK_BOT_TOKEN}" (OAuth & Permissions → Bot User OAuth Token, xoxb-…)',
    );
    expect(problems.some((p) => p.startsWith("channels.slack.app_token: an app-level token starts with xapp-"))).toBe(true);
    expect(problems.some((p) => p.startsWith("channels.slack: ") && p.includes("colour"))).toBe(true);
    expect(() => parseSlackConfig({ bot_token: "xoxb-1", app_token: "xapp-1" })).not.toThrow();
  });

  it("prints a manifest with the hub's request URLs, or Socket Mode without them", () => {
    const http = slackManifest({}, "https://hub.example.com/");
    expect(http).toMatchObject({
      settings: {
        event_subscriptions: { request_url: "https://hub.example.com/channels/slack/events" },
        interactivity: { is_enabled: true, request_url: "https://hub.example.com/channels/slack/interactions" },
        socket_mode_enabled: false,
      },
    });
    expect(JSON.stringify(http)).toContain("reaction_added");
    const socket = slackManifest({ app_token: "xapp-1" }, "https://unused");
    expect(JSON.stringify(socket)).not.toContain("request_url");
    expect(setupInstructions({}, "https://hub.example.com")).toContain('signing_secret = "{env:SLACK_SIGNING_SECRET}"');
    expect(setupInstructions({ app_token: "xapp-1" }, "")).toContain("connections:write");
  });
});
