import { describe, expect, it } from "vitest";
import { type GatewayMessageFacts, INTERACTION_TOKEN_MS, parseGatewayMessage, parseInteraction } from "../../../src/channels/discord/parse.js";

const BOT = "100";
const facts = (over: Partial<GatewayMessageFacts> = {}): GatewayMessageFacts => ({
  id: "900",
  channelId: "300",
  guildId: "200",
  channelKind: "channel",
  author: { id: "400", name: "Alice", bot: false },
  automated: false,
  content: `<@${BOT}> summarise the repo`,
  mentionsBot: true,
  botRoleIds: [],
  mentionNames: {},
  ...over,
});

describe("discord gateway messages", () => {
  it("a mention in a channel: the triggering message is the conversation, the mention is stripped", () => {
    expect(parseGatewayMessage(facts(), BOT)).toEqual({
      channel: "discord",
      deliveryKey: "msg:900",
      thread: { channel: "discord", conversation: "300", thread: "900", extra: { reply_to: "900" } },
      messageId: "900",
      user: "400",
      places: ["300", "200"],
      text: "summarise the repo",
      addressed: true,
      isDirect: false,
    });
  });

  it("strips <@!id> and the bot's role mention, and names other mentioned users for the model", () => {
    const parsed = parseGatewayMessage(
      facts({ content: `<@!${BOT}>  ask <@555> and <@&777> about <@&888>`, botRoleIds: ["777"], mentionNames: { "555": "Bob" } }),
      BOT,
    );
    expect(parsed?.text).toBe("ask @Bob and about <@&888>");
  });

  it("a Discord thread is one conversation; its parent channel counts as a place", () => {
    const parsed = parseGatewayMessage(facts({ channelId: "333", parentId: "300", channelKind: "thread", mentionsBot: false, content: "and the tests?" }), BOT);
    expect(parsed?.thread).toEqual({ channel: "discord", conversation: "333", extra: { reply_to: "900" } });
    expect(parsed?.places).toEqual(["333", "300", "200"]);
    expect(parsed?.addressed).toBe(false);
  });

  it("a DM is addressed without a mention", () => {
    const parsed = parseGatewayMessage(facts({ channelId: "301", guildId: undefined, channelKind: "dm", mentionsBot: false, content: "hello" }), BOT);
    expect(parsed).toMatchObject({ isDirect: true, addressed: true, places: ["301"], text: "hello", thread: { conversation: "301" } });
    expect(parsed?.thread.thread).toBeUndefined();
  });

  it("a reply to the bot's message continues that message's conversation", () => {
    const parsed = parseGatewayMessage(facts({ id: "901", mentionsBot: false, content: "now add tests", replyToBot: { threadRoot: "900" } }), BOT);
    expect(parsed?.thread).toEqual({ channel: "discord", conversation: "300", thread: "900", extra: { reply_to: "901" } });
    expect(parsed?.addressed).toBe(true);
  });

  it("ignores bots (itself included), webhooks and system messages, and bare mentions", () => {
    expect(parseGatewayMessage(facts({ author: { id: "401", name: "other bot", bot: true } }), BOT)).toBeUndefined();
    expect(parseGatewayMessage(facts({ author: { id: BOT, name: "me", bot: false } }), BOT)).toBeUndefined();
    expect(parseGatewayMessage(facts({ automated: true }), BOT)).toBeUndefined();
    expect(parseGatewayMessage(facts({ content: `<@${BOT}>  ` }), BOT)).toBeUndefined();
  });
});

describe("discord interactions", () => {
  const now = 1_700_000_000_000;
  const command = (options: unknown[], over: Record<string, unknown> = {}) => ({
    id: "555",
    application_id: BOT,
    type: 2,
    token: "itok",
    version: 1,
    channel_id: "300",
    guild_id: "200",
    channel: { id: "300", type: 11, parent_id: "299" },
    member: { user: { id: "400", username: "alice", global_name: "Alice" } },
    data: { id: "77", name: "koi", type: 1, options },
    ...over,
  });

  it("PING", () => {
    expect(parseInteraction({ id: "1", application_id: BOT, type: 1, token: "t", version: 1 }, now)).toEqual({ kind: "ping" });
  });

  it("/koi task:<text> → an addressed message whose thread carries the interaction token and its expiry", () => {
    expect(parseInteraction(command([{ name: "task", type: 3, value: "  fix the build " }]), now)).toEqual({
      kind: "command",
      message: {
        channel: "discord",
        deliveryKey: "ix:555",
        thread: {
          channel: "discord",
          conversation: "300",
          thread: "555",
          extra: { interaction_token: "itok", interaction_expires: String(now + INTERACTION_TOKEN_MS) },
        },
        user: "400",
        places: ["300", "299", "200"],
        text: "fix the build",
        addressed: true,
        isDirect: false,
      },
    });
  });

  it("/koi in a DM uses `user` and is direct; an empty task or another command gets a hint", () => {
    const dm = parseInteraction(
      command([{ name: "task", type: 3, value: "hi" }], { guild_id: undefined, member: undefined, user: { id: "401", username: "bob" } }),
      now,
    );
    expect(dm).toMatchObject({ kind: "command", message: { user: "401", isDirect: true } });
    expect(parseInteraction(command([]), now)).toMatchObject({ kind: "unsupported", reply: expect.stringMatching(/Tell me what to do/) });
    expect(parseInteraction({ ...command([]), data: { name: "other" } }, now)).toMatchObject({ kind: "unsupported", reply: "I only know /koi." });
  });

  it("the Stop button → the task id from its custom_id and who clicked", () => {
    const click = { ...command([]), type: 3, data: { custom_id: "openkoi_stop:task-9", component_type: 2 }, message: { id: "600", channel_id: "300" } };
    expect(parseInteraction(click, now)).toEqual({ kind: "stop", taskId: "task-9", user: "400", userName: "Alice", places: ["300", "299", "200"] });
    expect(parseInteraction({ ...click, data: { custom_id: "someone_else:1" } }, now).kind).toBe("unsupported");
  });

  it("a payload that is not an interaction is unsupported, not a crash", () => {
    expect(parseInteraction({ hello: "world" }, now).kind).toBe("unsupported");
    expect(parseInteraction(null, now).kind).toBe("unsupported");
  });
});
