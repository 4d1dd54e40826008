import { afterEach, describe, expect, it } from "vitest";
import { parsePolicy } from "../../../src/channels/policy.js";
import { createChannel } from "../../../src/channels/teams/index.js";
import type { ChannelContext } from "../../../src/channels/types.js";
import { waitFor } from "../../fakes/http.js";
import { startTeamsFake, type TeamsFake } from "../../fakes/teams-fake.js";
import { passingScript } from "../../helpers/hub-harness.js";
import { connectorCalls, conversationOf, messageActivity, postActivity, runOne, startTeams, type TeamsUnderTest, tasksOf } from "./helpers.js";

let current: TeamsUnderTest | undefined;
let looseFake: TeamsFake | undefined;
afterEach(async () => {
  await current?.close();
  await looseFake?.close();
  current = undefined;
  looseFake = undefined;
});

describe("teams outbound", () => {
  it("replies under the originating activity with a bearer token from the token endpoint, then edits that card", async () => {
    current = await startTeams();
    const t = current;
    t.harness.model.respondWith(passingScript("Three files."));
    await runOne(t, "count files", "1700000000555", "t-thread");
    const final = await waitFor(() => t.fake.messages.find((m) => m.kind === "edit" && m.text.includes("Three files.")), 5000, "the final edit");
    const first = t.fake.messages.find((m) => m.kind === "post");
    expect(first).toMatchObject({
      conversationId: conversationOf("t-thread"),
      replyToId: "1700000000555",
      activity: { replyToId: "1700000000555", type: "message" },
    });
    expect(final.id).toBe(first?.id);
    const post = connectorCalls(t).find((r) => r.method === "POST");
    expect(post?.path).toBe(`/teams/v3/conversations/${encodeURIComponent(conversationOf("t-thread"))}/activities/1700000000555`);
    expect(post?.headers.authorization).toBe(`Bearer ${t.fake.accessToken}`);
    const tokens = t.fake.requests.filter((r) => r.path.endsWith("/oauth2/v2.0/token"));
    expect(tokens).toHaveLength(1); // cached across the post and the edits
    expect(tokens[0]?.body).toMatchObject({
      grant_type: "client_credentials",
      client_id: t.fake.appId,
      client_secret: t.fake.appPassword,
      scope: "https://api.botframework.com/.default",
    });
    expect(
      connectorCalls(t)
        .filter((r) => r.method === "PUT")
        .every((r) => r.path.endsWith(`/activities/${first?.id}`)),
    ).toBe(true);
  });

  it("sends the task as an Adaptive Card whose Stop button carries the task id", async () => {
    current = await startTeams();
    const t = current;
    t.harness.hold();
    await postActivity(t.harness.url, messageActivity(t.fake, { text: "refactor *everything*", id: "card-1", thread: "t-card" }), `Bearer ${t.fake.sign()}`);
    const task = await waitFor(() => tasksOf(t)[0], 5000, "the task");
    const post = await waitFor(() => t.fake.messages.find((m) => m.kind === "post"), 5000, "the card");
    const attachment = (post.activity.attachments as Array<{ contentType: string; content: Record<string, unknown> }>)[0];
    expect(attachment?.contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(attachment?.content).toMatchObject({ type: "AdaptiveCard", version: "1.5", body: [{ type: "Container", style: "warning" }, { type: "FactSet" }] });
    expect(attachment?.content.actions).toEqual([
      { type: "Action.Submit", title: "Stop", style: "destructive", data: { action: "openkoi_stop", taskId: task.id } },
    ]);
    expect(post.text).toContain("refactor *everything*");
    t.harness.release();
    await t.harness.settle(task.id);
  });

  it("waits out a Teams 429 (Retry-After) on an update and the edit still lands", async () => {
    current = await startTeams();
    const t = current;
    t.fake.failNext(
      { status: 429, headers: { "retry-after": "1" }, json: { error: { code: "ThrottledRequest", message: "Too many requests" } } },
      1,
      (r) => r.method === "PUT",
    );
    t.harness.model.respondWith(passingScript("Done despite throttling."));
    await runOne(t, "do it", "rl-1", "t-429");
    await waitFor(() => t.fake.messages.find((m) => m.kind === "edit" && m.text.includes("Done despite throttling.")), 8000, "the edit after the 429");
    expect(connectorCalls(t).filter((r) => r.method === "PUT").length).toBeGreaterThanOrEqual(2);
  });

  it("hands a 429 the connector gave up on to the reply sink as RateLimitedError, which retries", async () => {
    current = await startTeams();
    const t = current;
    // The connector's own retry policy makes 4 attempts; a 5th attempt of the same edit comes from the reply sink.
    t.fake.failNext({ status: 429, headers: { "retry-after": "0" }, json: {} }, 4, (r) => r.method === "PUT");
    t.harness.model.respondWith(passingScript("Finally through."));
    await runOne(t, "do it", "rl-2", "t-429b");
    await waitFor(() => t.fake.messages.find((m) => m.kind === "edit" && m.text.includes("Finally through.")), 8000, "the edit after the sink retried");
    const puts = connectorCalls(t).filter((r) => r.method === "PUT");
    expect(puts.length).toBeGreaterThanOrEqual(5);
    // Without the sink's retry the throttled edit would be dropped and the 5th PUT would carry newer content.
    expect(new Set(puts.slice(0, 5).map((r) => r.raw)).size).toBe(1);
  });
});

describe("teams check", () => {
  const context = (): ChannelContext => ({
    policy: parsePolicy({}),
    dataDir: "/tmp/openkoi-unused-data",
    receive: async () => ({ kind: "ignored", reason: "not used" }),
    cancelTask: () => false,
    taskForMessage: () => undefined,
    activeTaskInThread: () => undefined,
    isEngaged: () => false,
  });

  it("gets a token for doctor, and says which keys to check when the secret is wrong", async () => {
    looseFake = await startTeamsFake();
    const ok = await createChannel(looseFake.channelConfig(), context());
    await expect(ok.check?.()).resolves.toContain(`bot ${looseFake.appId} got a token`);
    const bad = await createChannel(looseFake.channelConfig({ app_password: "wrong" }), context());
    await expect(bad.check?.()).rejects.toThrow(/401 invalid_client: AADSTS7000215.*check channels\.teams\.app_id, app_password and tenant_id/);
    const open = await createChannel(looseFake.channelConfig({ app_id: "", app_password: undefined, allow_unauthenticated: true }), context());
    await expect(open.check?.()).resolves.toMatch(/WARNING no app_id, so inbound activities are not authenticated/);
  });
});
