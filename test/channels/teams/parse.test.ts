import { describe, expect, it } from "vitest";
import { parseActivity, placesOf, stripBotMention, type TeamsActivity } from "../../../src/channels/teams/parse.js";

const SERVICE_URL = "https://smba.trafficmanager.net/emea/";
const bot = { id: "28:app-id", name: "openkoi" };

/** A channel post as Teams delivers it (shape from a real msteams activity). */
function channelMessage(overrides: Partial<TeamsActivity> = {}): TeamsActivity {
  return {
    type: "message",
    id: "1700000000123",
    serviceUrl: SERVICE_URL,
    channelId: "msteams",
    from: { id: "29:1abc", name: "Alice Example", aadObjectId: "aad-alice" },
    recipient: bot,
    conversation: { id: "19:general@thread.tacv2;messageid=1700000000000", conversationType: "channel", tenantId: "tenant-1", isGroup: true },
    text: "<at>openkoi</at> summarise   the <at>Bob</at> PRs&nbsp;please",
    entities: [
      { type: "mention", text: "<at>openkoi</at>", mentioned: bot },
      { type: "mention", text: "<at>Bob</at>", mentioned: { id: "29:bob", name: "Bob" } },
      { type: "clientInfo" },
    ],
    channelData: { tenant: { id: "tenant-1" }, team: { id: "19:team@thread.tacv2" }, channel: { id: "19:general@thread.tacv2" } },
    ...overrides,
  };
}

describe("teams parse", () => {
  it("turns an @-mention in a channel into an addressed message with plain-string thread data", () => {
    const event = parseActivity(channelMessage());
    expect(event.kind).toBe("message");
    if (event.kind !== "message") return;
    expect(event.message).toEqual({
      channel: "teams",
      deliveryKey: "19:general@thread.tacv2;messageid=1700000000000|1700000000123",
      thread: {
        channel: "teams",
        conversation: "19:general@thread.tacv2;messageid=1700000000000",
        extra: {
          serviceUrl: SERVICE_URL,
          channelId: "msteams",
          tenantId: "tenant-1",
          replyToId: "1700000000123",
          botId: "28:app-id",
          botName: "openkoi",
          conversationType: "channel",
        },
      },
      messageId: "1700000000123",
      user: "aad-alice",
      places: ["19:general@thread.tacv2", "19:team@thread.tacv2", "tenant-1"],
      text: "summarise the <at>Bob</at> PRs please",
      addressed: true,
      isDirect: false,
    });
    expect(JSON.parse(JSON.stringify(event.message))).toEqual(event.message);
  });

  it("treats a channel message without the bot's mention as not addressed, and a personal chat as addressed", () => {
    const quiet = parseActivity(channelMessage({ text: "just chatting", entities: [] }));
    expect(quiet.kind === "message" && quiet.message.addressed).toBe(false);
    const personal = parseActivity(
      channelMessage({
        text: "run the tests",
        entities: [],
        conversation: { id: "a:1personal", conversationType: "personal", tenantId: "tenant-1" },
        channelData: { tenant: { id: "tenant-1" } },
      }),
    );
    expect(personal.kind).toBe("message");
    if (personal.kind !== "message") return;
    expect(personal.message).toMatchObject({ addressed: true, isDirect: true, text: "run the tests", places: ["a:1personal", "tenant-1"] });
  });

  it("only strips the mention that names this bot", () => {
    expect(stripBotMention(channelMessage({ entities: [{ type: "mention", text: "<at>openkoi</at>", mentioned: { id: "28:other-bot" } }] }))).toEqual({
      text: "<at>openkoi</at> summarise the <at>Bob</at> PRs please",
      mentioned: false,
    });
  });

  it("reads the Stop button from Action.Submit (message value) and Action.Execute (invoke)", () => {
    const submit = parseActivity(
      channelMessage({ text: undefined, entities: undefined, replyToId: "card-1", value: { action: "openkoi_stop", taskId: "task-1" } }),
    );
    expect(submit).toEqual({ kind: "stop", taskId: "task-1", user: "aad-alice", userName: "Alice Example", places: placesOf(channelMessage()), invoke: false });
    const execute = parseActivity(
      channelMessage({
        type: "invoke",
        name: "adaptiveCard/action",
        text: undefined,
        value: { action: { type: "Action.Execute", verb: "openkoi_stop", data: { action: "openkoi_stop", taskId: "task-2" } } },
      }),
    );
    expect(execute).toMatchObject({ kind: "stop", taskId: "task-2", invoke: true });
    expect(parseActivity(channelMessage({ value: { action: "something_else" } })).kind).toBe("ignore");
  });

  it("reads a 🛑 reaction on a message and ignores other reactions", () => {
    const reaction = (type: string) => channelMessage({ type: "messageReaction", text: undefined, replyToId: "card-9", reactionsAdded: [{ type }] });
    expect(parseActivity(reaction("🛑"))).toMatchObject({ kind: "stop-reaction", messageId: "card-9", user: "aad-alice" });
    expect(parseActivity(reaction("like")).kind).toBe("ignore");
  });

  it("ignores the bot's own activities, other activity types and empty mentions", () => {
    expect(parseActivity(channelMessage({ from: bot }))).toEqual({ kind: "ignore", reason: "the bot's own activity" });
    expect(parseActivity(channelMessage({ type: "conversationUpdate" })).kind).toBe("ignore");
    expect(parseActivity(channelMessage({ text: "<at>openkoi</at> " })).kind).toBe("ignore");
  });
});
