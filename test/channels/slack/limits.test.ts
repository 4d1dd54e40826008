/** [limits] in a chat (Slack, driven by really signed deliveries): one short reply, no task; rates on an injected clock. */
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../../fakes/http.js";
import { asRecord } from "../../fakes/openai-fake.js";
import { type SlackUnderTest, startSlackHub } from "./helpers.js";

let current: SlackUnderTest | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

const tasks = (t: SlackUnderTest) => t.harness.hub.store.listTasks({ limit: 50 }).tasks;
const inThread = (t: SlackUnderTest, ts: string) => t.slack.posted.filter((m) => m.threadTs === ts || m.ts === ts);
const count = (t: SlackUnderTest, n: number) => waitFor(() => (tasks(t).length === n ? true : undefined), 5000, `${n} task(s)`);

describe("limits in a chat", () => {
  it("answers a message over max_description_chars once, saying its length and the limit, and runs nothing", async () => {
    const t = await startSlackHub({ hubConfig: { limits: { max_description_chars: 50 } } });
    current = t;
    const payload = t.slack.mentionPayload({ text: "x".repeat(51), eventId: "EvLong" });
    const ts = String(asRecord(payload.event).ts);
    expect((await t.slack.deliver(t.events, payload)).status).toBe(200);
    const reply = await waitFor(() => inThread(t, ts)[0], 5000, "the refusal");
    expect(reply.visible).toBe("Your message is 51 characters; the limit is 50 (limits.max_description_chars).");
    // Slack's retry of the same delivery gets no second answer.
    expect((await t.slack.deliver(t.events, payload, { headers: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" } })).status).toBe(200);
    await t.slack.deliver(t.events, t.slack.mentionPayload({ text: "x".repeat(50), eventId: "EvFits" }));
    await count(t, 1);
    await t.harness.settle(tasks(t)[0]?.id as string);
    expect(inThread(t, ts)).toHaveLength(1);
  });

  it("refuses a thread's task past max_queued_per_thread with one reply per refused message", async () => {
    const t = await startSlackHub({ hubConfig: { limits: { max_queued_per_thread: 2 } } });
    current = t;
    t.harness.hold();
    const first = t.slack.mentionPayload({ text: "first", eventId: "EvQ0" });
    const threadTs = String(asRecord(first.event).ts);
    await t.slack.deliver(t.events, first);
    await waitFor(() => (tasks(t)[0]?.status === "running" ? true : undefined), 5000, "the first task to start");
    for (const n of [1, 2]) await t.slack.deliver(t.events, t.slack.threadReplyPayload({ text: `follow-up ${n}`, eventId: `EvQ${n}`, threadTs }));
    await count(t, 3);
    await t.slack.deliver(t.events, t.slack.threadReplyPayload({ text: "one too many", eventId: "EvQ3", threadTs, user: "U999" }));
    const refusal = await waitFor(() => t.slack.posted.find((m) => m.visible.includes("waiting")), 5000, "the refusal");
    expect(refusal.visible).toBe(
      "This thread already has 2 tasks waiting (the limit is 2, limits.max_queued_per_thread); wait for some to start, then try again.",
    );
    expect(refusal.threadTs).toBe(threadTs);
    expect(tasks(t)).toHaveLength(3);
    t.harness.release();
  });

  it("answers the first message over chat_messages_per_minute, ignores the rest until the window has room, per user", async () => {
    let now = 9_000_000;
    const t = await startSlackHub({ hubConfig: { limits: { chat_messages_per_minute: 2 } }, now: () => now });
    current = t;
    const mention = (n: number, user = "U123") => {
      const payload = t.slack.mentionPayload({ text: `task ${n}`, eventId: `EvR${n}`, user });
      return { ts: String(asRecord(payload.event).ts), sent: t.slack.deliver(t.events, payload) };
    };
    for (const n of [1, 2]) await mention(n).sent;
    await count(t, 2);
    const third = mention(3);
    await third.sent;
    const reply = await waitFor(() => inThread(t, third.ts)[0], 5000, "the rate refusal");
    expect(reply.visible).toBe("You are sending messages faster than openkoi takes them (limits.chat_messages_per_minute); I will read yours again in 30 s.");
    const fourth = mention(4);
    await fourth.sent;
    // Another user is not held back by this one.
    await mention(5, "U777").sent;
    await count(t, 3);
    now += 30_000;
    await mention(6).sent;
    await count(t, 4);
    for (const task of tasks(t)) await t.harness.settle(task.id);
    expect(inThread(t, fourth.ts)).toEqual([]);
    expect(
      tasks(t)
        .map((task) => task.request.description)
        .sort(),
    ).toEqual(["task 1", "task 2", "task 5", "task 6"]);
  });
});
