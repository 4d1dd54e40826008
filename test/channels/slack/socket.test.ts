/** Socket Mode: the hub dials out (apps.connections.open → WebSocket), takes envelopes, acks them after storing. */
import { afterEach, describe, expect, it } from "vitest";
import { ChannelConfigError } from "../../../src/channels/health.js";
import { parseSlackConfig } from "../../../src/channels/slack/config.js";
import { createSlackChannel } from "../../../src/channels/slack/index.js";
import type { ChannelContext } from "../../../src/channels/types.js";
import { createLogger } from "../../../src/core/logger.js";
import { waitFor } from "../../fakes/http.js";
import { asRecord } from "../../fakes/openai-fake.js";
import { startSlackFake } from "../../fakes/slack-fake.js";
import { type SlackUnderTest, startSlackHub } from "./helpers.js";

const unused = () => {
  throw new Error("not used by this test");
};
const unusedContext: ChannelContext = {
  policy: { allowUsers: [], allowChannels: [], grants: ["read"] },
  dataDir: "/tmp/openkoi-unused-data",
  receive: unused,
  cancelTask: unused,
  taskForMessage: unused,
  activeTaskInThread: unused,
  isEngaged: unused,
};

let current: SlackUnderTest | undefined;
const start = async () => {
  current = await startSlackHub({ socketMode: true });
  return current;
};
afterEach(async () => {
  await current?.close();
  current = undefined;
});

const tasks = (t: SlackUnderTest) => t.harness.hub.store.listTasks({ limit: 50 }).tasks;

describe("slack socket mode", () => {
  it("connects with the app token, acks an events_api envelope only once the task is stored, and answers in the thread", async () => {
    const t = await start();
    const [open] = t.slack.calls("apps.connections.open");
    expect(open?.headers.authorization).toBe(`Bearer ${t.slack.appToken}`);
    const socket = await t.slack.socket();
    t.harness.hold();
    const payload = t.slack.mentionPayload({ text: "count the files", eventId: "EvSock1" });
    const ack = await socket.send("events_api", payload, "env-sock-1");
    expect(ack).toEqual({ envelope_id: "env-sock-1", payload: {} });
    const [task] = tasks(t);
    expect(task?.request.description).toBe("count the files");
    // Slack redelivers an envelope it thinks was lost; the event_id keeps it to one task.
    await socket.send("events_api", payload, "env-sock-1-retry");
    expect(tasks(t)).toHaveLength(1);
    const ts = String(asRecord(payload.event).ts);
    await waitFor(() => t.slack.posted.find((m) => m.threadTs === ts), 5000, "the progress message in the thread");
    t.harness.release();
    await t.harness.settle(task?.id as string);
    await waitFor(() => t.slack.edits.find((m) => m.visible.includes("Done")), 5000, "the result");
  });

  it("stops the task from an interactive envelope (the Stop button)", async () => {
    const t = await start();
    const socket = await t.slack.socket();
    t.harness.hold();
    await socket.send("events_api", t.slack.mentionPayload({ text: "refactor everything", eventId: "EvSock2" }));
    const task = await waitFor(() => tasks(t).find((x) => x.status === "running"), 5000, "the running task");
    const progress = await waitFor(() => t.slack.posted[0], 5000, "the progress message");
    const ack = await socket.send("interactive", t.slack.stopActionPayload({ taskId: task.id, messageTs: progress.ts }));
    expect(ack.payload).toEqual({});
    t.harness.release();
    expect((await t.harness.settle(task.id)).status).toBe("cancelled");
    await waitFor(() => t.slack.edits.find((m) => m.visible.includes("stopped by alice")), 5000, "the stopped message");
  });

  it("fails to start with a configuration error (failed, not retried) when the app token is refused", async () => {
    const slack = await startSlackFake();
    try {
      const config = parseSlackConfig({ bot_token: slack.botToken, app_token: "xapp-1-wrong", api_url: slack.apiUrl });
      const adapter = await createSlackChannel(config, unusedContext, { logger: createLogger("silent") });
      expect(adapter.mount).toBeUndefined();
      const error = await adapter.start?.().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ChannelConfigError);
      expect(error).toMatchObject({
        message: "Slack said invalid_auth to apps.connections.open: check channels.slack.app_token (xapp-…, scope connections:write)",
        fix: "check channels.slack.app_token (xapp-…, scope connections:write)",
      });
      expect(slack.calls("apps.connections.open")).toHaveLength(1);
    } finally {
      await slack.close();
    }
  });
});
