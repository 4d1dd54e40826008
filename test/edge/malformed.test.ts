/**
 * Validly signed but malformed bodies, one per shape that used to give a 500: each is now a 400 with a code, or
 * (Telegram, which retries every non-2xx) a 200 that ignores it and says so in the log.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { messageActivity } from "../channels/teams/helpers.js";
import { interaction } from "../fakes/discord-fake.js";
import { issueCommentPayload } from "../fakes/github-trigger-fake.js";
import { messageUpdate } from "../fakes/telegram-fake.js";
import { toJsonText } from "../helpers/mutate.js";
import { type EdgeHub, errorLines, startEdgeHub } from "./edge-hub.js";

let edge: EdgeHub;
beforeAll(async () => {
  edge = await startEdgeHub();
}, 30_000);
afterAll(async () => {
  await edge?.close();
});

type Json = Record<string, unknown>;
const tasks = () => edge.harness.hub.store.listTasks({ limit: 100 }).tasks;
const taskWith = (text: string) => tasks().find((t) => t.request.description === text);

async function sendJson(path: string, body: unknown, sign: (raw: string) => Record<string, string>) {
  const raw = toJsonText(body);
  const res = await edge.send(path, raw, sign(raw));
  const text = await res.text();
  return { status: res.status, code: text ? ((JSON.parse(text) as { error?: { code?: string } }).error?.code ?? null) : null, text };
}

describe("Slack", () => {
  it("a bot user id with RegExp syntax (U() is taken literally, not a 500", async () => {
    const payload = edge.slack.mentionPayload({ text: "", eventId: "EvRegex1" }) as { event: Json } & Json;
    payload.event.text = "<@U(> tidy the readme";
    payload.authorizations = [{ team_id: "T001", user_id: "U(", is_bot: true }];
    const res = await sendJson("/channels/slack/events", payload, edge.signed.slackJson);
    expect(res.status).toBe(200);
    expect(taskWith("tidy the readme")).toBeDefined();
  });

  it("an app_mention whose user is a number is a 400 INVALID_PAYLOAD", async () => {
    const payload = edge.slack.mentionPayload({ text: "hello", eventId: "EvUser1" }) as { event: Json };
    payload.event.user = 7;
    const res = await sendJson("/channels/slack/events", payload, edge.signed.slackJson);
    expect([res.status, res.code]).toEqual([400, "INVALID_PAYLOAD"]);
    expect(res.text).toContain("event.user");
  });

  it("an event type we do not handle keeps a 200, whatever its fields (Slack would retry, then disable the app)", async () => {
    const payload = { type: "event_callback", event_id: "EvOther1", event: { type: "user_change", user: { id: "U1", name: "x" } } };
    expect((await sendJson("/channels/slack/events", payload, edge.signed.slackJson)).status).toBe(200);
  });

  it("block_actions whose actions is not a list is a 400 INVALID_PAYLOAD", async () => {
    const action = { ...(edge.slack.stopActionPayload({ taskId: "t-1" }) as Json), actions: { action_id: "openkoi_stop" } };
    const raw = new URLSearchParams({ payload: JSON.stringify(action) }).toString();
    const res = await edge.send("/channels/slack/interactions", raw, edge.signed.slackForm(raw));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("INVALID_PAYLOAD");
  });
});

describe("Teams", () => {
  const post = (activity: Json) => sendJson("/channels/teams/messages", activity, edge.signed.teams);

  it("a non-string conversation.id is a 400 INVALID_PAYLOAD", async () => {
    const activity = messageActivity(edge.teams, { text: "go", id: "bad-conv", thread: "t" });
    activity.conversation = { id: 7, conversationType: "channel" };
    const res = await post(activity);
    expect([res.status, res.code]).toEqual([400, "INVALID_PAYLOAD"]);
    expect(res.text).toContain("conversation.id");
  });

  it("entities that are not a list are a 400 INVALID_PAYLOAD", async () => {
    const activity = { ...messageActivity(edge.teams, { text: "go", id: "bad-ent", thread: "t" }), entities: { type: "mention" } };
    expect(await post(activity)).toMatchObject({ status: 400, code: "INVALID_PAYLOAD" });
  });

  it("a numeric channelId (which botbuilder's token check trims) is a 400, and a forged token with it still a 401", async () => {
    const activity = { ...messageActivity(edge.teams, { text: "go", id: "bad-chan", thread: "t" }), channelId: 5 };
    expect(await post(activity)).toMatchObject({ status: 400, code: "INVALID_PAYLOAD" });
    const forged = await sendJson("/channels/teams/messages", activity, () => ({ "content-type": "application/json", authorization: "Bearer a.b.c" }));
    expect([forged.status, forged.code]).toEqual([401, "VERIFICATION_FAILED"]);
  });
});

describe("Telegram (retries every non-2xx, so a signed update it cannot read is acknowledged and dropped)", () => {
  const post = (update: unknown) => sendJson("/channels/telegram/webhook", update, edge.signed.telegram);

  it("a message without chat is a 200 that runs nothing and logs why", async () => {
    const update = messageUpdate(9001, { text: "no chat here", chatId: -100, messageId: 1, mention: true }) as unknown as { message: Json };
    delete update.message.chat;
    expect((await post(update)).status).toBe(200);
    expect(taskWith("no chat here")).toBeUndefined();
    expect(edge.log.some((l) => l.includes("ignored update 9001") && l.includes("message.chat"))).toBe(true);
  });

  it("a non-string text is a 200 that runs nothing", async () => {
    const update = messageUpdate(9002, { text: "x", chatId: 42, messageId: 2, chatType: "private" }) as unknown as { message: Json };
    update.message.text = 12345;
    expect((await post(update)).status).toBe(200);
    expect(edge.log.some((l) => l.includes("ignored update 9002") && l.includes("message.text"))).toBe(true);
  });
});

describe("Discord", () => {
  it("an interaction whose id is a number is a 400 INVALID_PAYLOAD", async () => {
    const body = { ...interaction({ id: "1", type: 2, data: { name: "koi" } }), id: 5 };
    expect(await sendJson("/channels/discord/interactions", body, (raw) => edge.signed.discord(raw))).toMatchObject({ status: 400, code: "INVALID_PAYLOAD" });
  });

  it("a validly signed /koi from a day ago is a 401 and runs nothing; the same signed now is deferred", async () => {
    const koi = (id: string) => interaction({ id, type: 2, data: { name: "koi", type: 1, options: [{ name: "task", type: 3, value: `replayed ${id}` }] } });
    const dayAgo = Math.floor(Date.now() / 1000) - 86_400;
    const old = await sendJson("/channels/discord/interactions", koi("600"), (raw) => edge.signed.discord(raw, dayAgo));
    expect([old.status, old.code]).toEqual([401, "VERIFICATION_FAILED"]);
    expect(taskWith("replayed 600")).toBeUndefined();
    const fresh = await sendJson("/channels/discord/interactions", koi("601"), (raw) => edge.signed.discord(raw));
    expect([fresh.status, JSON.parse(fresh.text)]).toEqual([200, { type: 5 }]);
    expect(taskWith("replayed 601")).toBeDefined();
  });
});

describe("GitHub (never re-sends a delivery by itself, so what it cannot parse is a visible 400)", () => {
  const post = (event: string, payload: unknown) => sendJson("/channels/github/webhook", payload, (raw) => edge.signed.github(raw, event));

  it("an issue_comment whose comment has no numeric id is a 400 INVALID_PAYLOAD naming the field", async () => {
    const payload = issueCommentPayload({ repo: edge.github.repo, cloneUrl: edge.github.cloneUrl, issue: 12, body: "@openkoi fix it" }) as unknown as {
      comment: Json;
    };
    payload.comment.id = "seven";
    const res = await post("issue_comment", payload);
    expect([res.status, res.code]).toEqual([400, "INVALID_PAYLOAD"]);
    expect(JSON.parse(res.text).error.message).toBe("unexpected issue_comment payload: comment.id: Invalid input: expected number, received string");
  });

  it("an event we do not handle is a 200, whatever its shape", async () => {
    expect(await post("push", { ref: 5 })).toMatchObject({ status: 200 });
  });
});

describe("REST API metadata", () => {
  const create = (metadata: unknown) => sendJson("/api/v1/tasks", { description: "with metadata", metadata }, () => ({ "content-type": "application/json" }));
  const nested = (depth: number) => {
    let value: unknown = 1;
    for (let i = 0; i < depth; i++) value = { a: value };
    return value;
  };

  it("metadata nested 5,000 deep is a 400 (checked without recursion), not a stack overflow", async () => {
    const raw = `{"description":"deep","metadata":${'{"a":'.repeat(5000)}1${"}".repeat(5000)}}`;
    const res = await edge.send("/api/v1/tasks", raw, { "content-type": "application/json" });
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect([res.status, body.error.code]).toEqual([400, "VALIDATION_FAILED"]);
    expect(body.error.message).toBe("metadata: nested more than 8 levels deep (set [api] metadata_max_depth to allow more)");
  });

  it("depth 8 is accepted and depth 9 refused (the default [api] metadata_max_depth = 8)", async () => {
    expect((await create(nested(8))).status).toBe(202);
    expect(await create(nested(9))).toMatchObject({ status: 400, code: "VALIDATION_FAILED" });
  });

  it("more than 16 KB of serialized metadata is refused, 16 KB exactly accepted", async () => {
    const fits = { note: "x".repeat(16 * 1024 - '{"note":""}'.length) };
    expect((await create(fits)).status).toBe(202);
    const res = await create({ note: `${fits.note}y` });
    expect([res.status, JSON.parse(res.text).error.message]).toEqual([
      400,
      "metadata: 16385 bytes of JSON, more than 16384 (set [api] metadata_max_bytes to allow more)",
    ]);
  });

  it("and the hub logged no error for any of the above", () => {
    expect(errorLines(edge.log)).toEqual([]);
  });
});
