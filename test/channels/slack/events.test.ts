/** The Events API and interactivity endpoints of a real hub, driven by really signed Slack deliveries. */
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../../fakes/http.js";
import { asRecord } from "../../fakes/openai-fake.js";
import { BOT_USER, nextTs } from "../../fakes/slack-fake.js";
import { passingScript } from "../../helpers/hub-harness.js";
import { type SlackUnderTest, startSlackHub } from "./helpers.js";

let current: SlackUnderTest | undefined;
const start = async (options: Parameters<typeof startSlackHub>[0] = {}) => {
  current = await startSlackHub(options);
  return current;
};
afterEach(async () => {
  await current?.close();
  current = undefined;
});

const tasks = (t: SlackUnderTest) => t.harness.hub.store.listTasks({ limit: 50 }).tasks;
const firstTask = (t: SlackUnderTest) => waitFor(() => tasks(t).at(-1), 5000, "a task");
const inThread = (t: SlackUnderTest, ts: string) => t.slack.posted.filter((m) => m.threadTs === ts);

describe("slack events endpoint", () => {
  it("answers url_verification with the challenge", async () => {
    const t = await start();
    const res = await t.slack.deliver(t.events, {
      token: "legacy",
      challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
      type: "url_verification",
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" });
  });

  it("refuses a correctly signed but stale request (replay) with 401", async () => {
    const t = await start();
    const stale = Math.floor(Date.now() / 1000) - 10 * 60;
    const res = await t.slack.deliver(t.events, t.slack.mentionPayload({ text: "old news", eventId: "EvStale" }), { timestamp: stale });
    expect(res.status).toBe(401);
    expect(res.text).toMatch(/5 minutes/);
    expect(tasks(t)).toHaveLength(0);
  });

  it("runs one task for an event Slack redelivers with X-Slack-Retry-Num", async () => {
    const t = await start();
    const payload = t.slack.mentionPayload({ text: "count the files", eventId: "EvRetry1" });
    const ts = String(asRecord(payload.event).ts);
    expect((await t.slack.deliver(t.events, payload)).status).toBe(200);
    for (const n of ["1", "2"]) {
      const retry = await t.slack.deliver(t.events, payload, { headers: { "x-slack-retry-num": n, "x-slack-retry-reason": "http_timeout" } });
      expect(retry.status).toBe(200);
    }
    const task = await firstTask(t);
    await t.harness.settle(task.id);
    expect(tasks(t)).toHaveLength(1);
    await waitFor(() => t.slack.edits.find((m) => m.visible.includes("Done")), 5000, "the result");
    expect(inThread(t, ts)).toHaveLength(1);
    expect(t.slack.calls("reactions.add").map((r) => asRecord(r.body))).toEqual([{ channel: "C001", timestamp: ts, name: "eyes" }]);
  });

  it("answers in the mention's thread with Block Kit, the status colour and the Stop button", async () => {
    const t = await start();
    t.harness.hold();
    const payload = t.slack.mentionPayload({ text: "summarise <https://example.com|the site> & report", eventId: "EvRich" });
    await t.slack.deliver(t.events, payload);
    const task = await firstTask(t);
    expect(task.request.description).toBe("summarise https://example.com & report");
    const progress = await waitFor(() => t.slack.posted[0], 5000, "the progress message");
    expect(progress.threadTs).toBe(asRecord(payload.event).ts);
    const [attachment] = progress.attachments;
    expect(attachment?.color).toBe("#f2c744");
    expect(progress.blocks[0]).toMatchObject({ type: "header" });
    const blocks = (attachment?.blocks ?? []) as Array<Record<string, unknown>>;
    expect(blocks.find((b) => b.type === "actions")).toMatchObject({ elements: [{ action_id: "openkoi_stop", value: task.id, style: "danger" }] });
    t.harness.release();
    await t.harness.settle(task.id);
    const final = await waitFor(() => t.slack.messages[0]?.attachments[0]?.color === "#36a64f" && t.slack.messages[0], 5000, "the green result");
    expect(JSON.stringify(final.attachments)).not.toContain("openkoi_stop");
  });

  it("a reply in an engaged thread without a mention runs a second task with the first exchange as context", async () => {
    const t = await start();
    t.harness.model.respondWith(passingScript("There are 3 files: a.ts, b.ts, c.ts."));
    const first = t.slack.mentionPayload({ text: "count the files", eventId: "EvCtx1" });
    const threadTs = String(asRecord(first.event).ts);
    await t.slack.deliver(t.events, first);
    await t.harness.settle((await firstTask(t)).id);
    await t.slack.deliver(t.events, t.slack.threadReplyPayload({ text: "and which of them are tests?", eventId: "EvCtx2", threadTs }));
    const second = await waitFor(() => (tasks(t).length === 2 ? tasks(t)[0] : undefined), 5000, "the follow-up task");
    expect(second.request.description).toBe("and which of them are tests?");
    await t.harness.settle(second.id);
    const sent = JSON.stringify(t.harness.model.chats().filter((c) => JSON.stringify(c).includes("and which of them are tests?")));
    expect(sent).toContain("count the files");
    expect(sent).toContain("There are 3 files: a.ts, b.ts, c.ts.");
    expect(inThread(t, threadTs)).toHaveLength(2);
  });

  it("queues a follow-up that arrives while the thread's task runs, and gives it the first answer as context", async () => {
    const t = await start();
    t.harness.model.respondWith(passingScript("The build uses tsc."));
    t.harness.hold();
    const first = t.slack.mentionPayload({ text: "how is it built?", eventId: "EvQ1" });
    const threadTs = String(asRecord(first.event).ts);
    await t.slack.deliver(t.events, first);
    const running = await waitFor(() => tasks(t).find((x) => x.status === "running"), 5000, "the first task to run");
    await t.slack.deliver(t.events, t.slack.threadReplyPayload({ text: "and how is it tested?", eventId: "EvQ2", threadTs }));
    const queued = await waitFor(() => tasks(t).find((x) => x.request.description === "and how is it tested?"), 5000, "the follow-up");
    // One task per thread at a time: the follow-up waits, it is not dropped and not run alongside.
    expect(t.harness.hub.store.getTask(queued.id)?.status).toBe("queued");
    t.harness.release();
    await t.harness.settle(running.id);
    await t.harness.settle(queued.id);
    const sent = JSON.stringify(t.harness.model.chats().filter((c) => JSON.stringify(c).includes("and how is it tested?")));
    expect(sent).toContain("The build uses tsc.");
  });

  it("refuses a new task once the thread's or the user's budget is spent, saying which and what to do", async () => {
    const t = await start({ extra: { max_cost_usd_per_thread: 1, max_cost_usd_per_user_per_day: 3 } });
    t.harness.hub.providers.price = () => ({ costUsd: 0.5, priced: true });
    const first = t.slack.mentionPayload({ text: "do a thing", eventId: "EvB1" });
    const threadTs = String(asRecord(first.event).ts);
    await t.slack.deliver(t.events, first);
    await t.harness.settle((await firstTask(t)).id);
    await t.slack.deliver(t.events, t.slack.threadReplyPayload({ text: "and another", eventId: "EvB2", threadTs }));
    const refusal = await waitFor(() => t.slack.posted.find((m) => m.visible.includes("budget")), 5000, "the thread budget refusal");
    expect(refusal.visible).toContain("max_cost_usd_per_thread");
    expect(refusal.threadTs).toBe(threadTs);
    expect(tasks(t)).toHaveLength(1);
    // Per user per day: new threads keep working until the user's daily budget is spent.
    await t.slack.deliver(t.events, t.slack.mentionPayload({ text: "new thread", eventId: "EvB3" }));
    await waitFor(() => (tasks(t).length === 2 ? true : undefined), 5000, "the second thread's task");
    await t.harness.settle(tasks(t)[0]?.id as string);
    await t.slack.deliver(t.events, t.slack.mentionPayload({ text: "third thread", eventId: "EvB4" }));
    await waitFor(() => t.slack.posted.find((m) => m.visible.includes("max_cost_usd_per_user_per_day")), 5000, "the user budget refusal");
    expect(tasks(t)).toHaveLength(2);
  });

  it("never runs the project's tests for a chat task that has no shell grant (they execute the workspace's code)", async () => {
    const t = await start({ hubConfig: { evaluation: { run_tests: true } } });
    const { existsSync, writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    writeFileSync(join(t.harness.workspace, "package.json"), JSON.stringify({ scripts: { test: "touch ran-tests.marker" } }));
    await t.slack.deliver(t.events, t.slack.mentionPayload({ text: "review the code", eventId: "EvNoShell" }));
    const done = await t.harness.settle((await firstTask(t)).id);
    expect(done.status).toBe("completed");
    expect(existsSync(join(t.harness.workspace, "ran-tests.marker"))).toBe(false);
    // The same workspace through the API (no grants: everything allowed) does run them.
    const res = await fetch(`${t.harness.url}/api/v1/tasks`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ description: "review the code" }),
    });
    await t.harness.settle(((await res.json()) as { id: string }).id);
    expect(existsSync(join(t.harness.workspace, "ran-tests.marker"))).toBe(true);
  });

  it("ignores thread replies where the bot is not engaged, its own messages, and the message copy of a mention", async () => {
    const t = await start();
    await t.slack.deliver(t.events, t.slack.threadReplyPayload({ text: "unrelated chatter", eventId: "EvNo1", threadTs: nextTs() }));
    const mention = t.slack.mentionPayload({ text: "list the files", eventId: "EvMention" });
    const event = asRecord(mention.event);
    await t.slack.deliver(t.events, mention);
    // Slack also delivers the same message as message.channels, with its own event_id.
    const copy = { ...mention, event_id: "EvMentionCopy", event: { ...event, type: "message", channel_type: "channel" } };
    await t.slack.deliver(t.events, copy);
    const task = await firstTask(t);
    await t.harness.settle(task.id);
    const own = t.slack.threadReplyPayload({ text: "Working on it", eventId: "EvOwn", threadTs: String(event.ts), user: BOT_USER });
    await t.slack.deliver(t.events, own);
    const edited = t.slack.threadReplyPayload({ text: "edited", eventId: "EvEdit", threadTs: String(event.ts) });
    await t.slack.deliver(t.events, { ...edited, event: { ...asRecord(edited.event), subtype: "message_changed" } });
    expect(tasks(t)).toHaveLength(1);
  });

  it("takes a direct message without a mention and answers in its thread", async () => {
    const t = await start();
    const dm = t.slack.directMessagePayload({ text: "what is in the README?", eventId: "EvDm", channel: "D042" });
    const event = asRecord(dm.event);
    await t.slack.deliver(t.events, dm);
    const task = await firstTask(t);
    expect(task.request.origin.thread).toMatchObject({ conversation: "D042", thread: event.ts });
    await t.harness.settle(task.id);
    await waitFor(() => t.slack.posted.find((m) => m.channel === "D042" && m.threadTs === event.ts), 5000, "the answer in the DM thread");
  });

  it("stops the task on a 🛑 reaction to its message, and ignores other reactions", async () => {
    const t = await start();
    t.harness.hold();
    await t.slack.deliver(t.events, t.slack.mentionPayload({ text: "refactor everything", eventId: "EvReact" }));
    const task = await waitFor(() => tasks(t).find((x) => x.status === "running"), 5000, "the running task");
    const progress = await waitFor(() => t.slack.posted[0], 5000, "the progress message");
    await t.slack.deliver(t.events, t.slack.reactionPayload({ eventId: "EvThumbs", messageTs: progress.ts, reaction: "+1" }));
    await t.slack.deliver(t.events, t.slack.reactionPayload({ eventId: "EvElsewhere", messageTs: nextTs() }));
    expect(t.harness.hub.store.getTask(task.id)?.status).toBe("running");
    const res = await t.slack.deliver(t.events, t.slack.reactionPayload({ eventId: "EvStop", messageTs: progress.ts, user: "U777" }));
    expect(res.status).toBe(200);
    t.harness.release();
    expect((await t.harness.settle(task.id)).status).toBe("cancelled");
    const stopped = await waitFor(() => t.slack.edits.find((m) => m.visible.includes("Stopped")), 5000, "the stopped message");
    expect(stopped.visible).toContain("stopped by U777 with 🛑");
    expect(stopped.attachments[0]?.color).toBe("#cc0000");
  });

  it("ignores a Stop click from a user outside the allowlist", async () => {
    const t = await start({ allowUsers: ["U123"] });
    t.harness.hold();
    await t.slack.deliver(t.events, t.slack.mentionPayload({ text: "long job", eventId: "EvGuard" }));
    const task = await waitFor(() => tasks(t).find((x) => x.status === "running"), 5000, "the running task");
    const res = await t.slack.deliver(t.interactions, t.slack.stopActionPayload({ taskId: task.id, user: "U_STRANGER" }), { form: true });
    expect(res.status).toBe(200);
    t.harness.release();
    expect((await t.harness.settle(task.id)).status).toBe("completed");
  });

  it("waits out a 429 from chat.update (Retry-After) and then lands the edit", async () => {
    const t = await start();
    t.slack.failNext("chat.update", { status: 429, headers: { "retry-after": "1" }, json: { ok: false, error: "ratelimited" } });
    await t.slack.deliver(t.events, t.slack.mentionPayload({ text: "count the files", eventId: "Ev429" }));
    const task = await firstTask(t);
    await t.harness.settle(task.id);
    await waitFor(() => t.slack.messages[0]?.visible.includes("Done") && t.slack.messages[0], 8000, "the final edit");
    const updates = t.slack.log.filter((l) => l.method === "chat.update");
    expect(updates.length).toBeGreaterThanOrEqual(2);
    const [limited, retried] = updates;
    expect((retried?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect(t.slack.posted).toHaveLength(1);
  });
});
