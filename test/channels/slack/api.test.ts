/** The outbound ThreadApi: the unmodified WebClient against the Slack fake. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseSlackConfig } from "../../../src/channels/slack/config.js";
import { createSlackChannel } from "../../../src/channels/slack/index.js";
import type { ChannelAdapter, ChannelContext } from "../../../src/channels/types.js";
import { RateLimitedError } from "../../../src/core/errors.js";
import { createLogger } from "../../../src/core/logger.js";
import type { RichMessage } from "../../../src/core/rich-message.js";
import type { ThreadRef } from "../../../src/core/task.js";
import { asRecord } from "../../fakes/openai-fake.js";
import { type SlackFake, startSlackFake } from "../../fakes/slack-fake.js";

const unused = () => {
  throw new Error("not used by this test");
};
const ctx: ChannelContext = {
  policy: { allowUsers: [], allowChannels: [], grants: ["read"] },
  dataDir: "/tmp/openkoi-unused-data",
  receive: unused,
  cancelTask: unused,
  taskForMessage: unused,
  activeTaskInThread: unused,
  isEngaged: unused,
};
const thread: ThreadRef = { channel: "slack", conversation: "C001", thread: "1700000000.000001" };
const message: RichMessage = {
  title: "Done: count",
  status: "passed",
  progress: "done · $0.01",
  fields: [],
  sections: [{ kind: "text", text: "3 files" }],
  buttons: [],
  fallback: "Done: count",
};

let slack: SlackFake;
let adapter: ChannelAdapter;
const open = async (overrides: Record<string, unknown> = {}) =>
  createSlackChannel(parseSlackConfig({ bot_token: slack.botToken, signing_secret: "s", api_url: slack.apiUrl, ...overrides }), ctx, {
    logger: createLogger("silent"),
  });

beforeEach(async () => {
  slack = await startSlackFake();
  adapter = await open();
});
afterEach(async () => {
  await slack.close();
});

describe("slack ThreadApi", () => {
  it("posts Block Kit into the thread and edits that message by its ts", async () => {
    const ref = await adapter.api.post(thread, { ...message, status: "running" });
    expect(ref).toEqual({ thread, id: slack.posted[0]?.ts });
    const sent = asRecord(slack.calls("chat.postMessage")[0]?.body);
    expect(sent).toMatchObject({ channel: "C001", thread_ts: "1700000000.000001", text: "Done: count", unfurl_links: "false" });
    expect(slack.calls("chat.postMessage")[0]?.headers.authorization).toBe(`Bearer ${slack.botToken}`);
    await adapter.api.update(ref, message);
    expect(asRecord(slack.calls("chat.update")[0]?.body)).toMatchObject({ channel: "C001", ts: ref.id });
    expect(slack.messages[0]?.attachments[0]?.color).toBe("#36a64f");
    expect(slack.messages[0]?.visible).toContain("3 files");
  });

  it("posts plain text as escaped mrkdwn, and reacts with eyes (already_reacted is fine)", async () => {
    await adapter.api.postText(thread, "**Note**: <!channel> a & b");
    expect(slack.posted[0]?.text).toBe("*Note*: &lt;!channel&gt; a &amp; b");
    slack.failNext("reactions.add", { json: { ok: false, error: "already_reacted" } });
    await adapter.api.react?.(thread, "1700000000.000001", "eyes");
    await adapter.api.react?.(thread, "1700000000.000001", "eyes");
    expect(slack.calls("reactions.add").map((r) => asRecord(r.body).name)).toEqual(["eyes", "eyes"]);
  });

  it("turns a 429 into RateLimitedError carrying Retry-After, without retrying inside the SDK", async () => {
    slack.failNext("chat.update", { status: 429, headers: { "retry-after": "7" }, json: { ok: false, error: "ratelimited" } });
    const error = await adapter.api.update({ thread, id: "1700000000.000009" }, message).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(7000);
    expect(slack.calls("chat.update")).toHaveLength(1);
  });

  it("says what to do when Slack refuses", async () => {
    slack.failNext("chat.postMessage", { json: { ok: false, error: "not_in_channel" } });
    await expect(adapter.api.post(thread, message)).rejects.toThrow(
      "Slack said not_in_channel to chat.postMessage: invite the bot to the channel (/invite @openkoi)",
    );
    slack.failNext("chat.postMessage", { json: { ok: false, error: "missing_scope", needed: "chat:write", provided: "" } });
    await expect(adapter.api.postText(thread, "hi")).rejects.toThrow("Slack said missing_scope to chat.postMessage (needs chat:write): add the scope");
  });

  it("check() calls auth.test and names the bot, or points at the token", async () => {
    await expect(adapter.check?.()).resolves.toBe("connected as @openkoi (UBOT) in Fake Team (T001)");
    const wrong = await open({ bot_token: "xoxb-wrong" });
    await expect(wrong.check?.()).rejects.toThrow("Slack said invalid_auth to auth.test: check channels.slack.bot_token");
  });

  it("reports an unreachable api_url as such", async () => {
    const down = await open({ api_url: "http://127.0.0.1:9/api/" });
    await expect(down.check?.()).rejects.toThrow(/Could not reach Slack for auth\.test.*check channels\.slack\.api_url/);
  });
});
