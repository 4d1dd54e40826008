import { generateKeyPairSync } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../../fakes/http.js";
import { connectorCalls, messageActivity, postActivity, runOne, startTeams, type TeamsUnderTest, tasksOf } from "./helpers.js";

let current: TeamsUnderTest | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

describe("teams inbound JWT", () => {
  it("answers 401 to a token with the wrong audience, issuer, key or serviceurl, or none, and runs nothing", async () => {
    current = await startTeams();
    const t = current;
    const activity = messageActivity(t.fake, { text: "do it", id: "jwt-1", thread: "t-jwt" });
    const otherKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    const bad = [
      undefined,
      `Bearer ${t.fake.sign({ aud: "someone-else" })}`,
      `Bearer ${t.fake.sign({ iss: "https://evil.example" })}`,
      `Bearer ${t.fake.sign({}, otherKey)}`,
      `Bearer ${t.fake.sign({ serviceurl: "https://evil.example/" })}`,
      `Bearer ${t.fake.sign({ exp: Math.floor(Date.now() / 1000) - 3600 })}`,
    ];
    for (const authorization of bad) {
      const res = await postActivity(t.harness.url, activity, authorization);
      expect(res.status, String(authorization)).toBe(401);
      expect(JSON.parse(res.body).error.code).toBe("VERIFICATION_FAILED");
    }
    expect(tasksOf(t)).toHaveLength(0);
    expect(connectorCalls(t)).toHaveLength(0);
  });

  it("rejects a body that is not an activity with 400", async () => {
    current = await startTeams();
    const res = await fetch(`${current.harness.url}/channels/teams/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "[1,2",
    });
    expect(res.status).toBe(400);
  });
});

describe("teams conversations", () => {
  it("runs every message in a personal chat, and ignores an unmentioned channel message in a thread it is not in", async () => {
    current = await startTeams();
    const t = current;
    const quiet = await postActivity(
      t.harness.url,
      messageActivity(t.fake, { text: "lunch?", id: "q-1", thread: "t-quiet", mention: false }),
      `Bearer ${t.fake.sign()}`,
    );
    expect(quiet.status).toBe(200);
    expect(tasksOf(t)).toHaveLength(0);
    await postActivity(t.harness.url, messageActivity(t.fake, { text: "list the files", id: "dm-1", thread: "dm", personal: true }), `Bearer ${t.fake.sign()}`);
    const task = await waitFor(() => tasksOf(t)[0], 5000, "the DM task");
    expect(task.request.description).toBe("list the files");
    await t.harness.settle(task.id);
    await waitFor(() => t.fake.messages.find((m) => m.conversationId === "a:personal-dm"), 5000, "the DM reply");
  });

  it("cancels the task when its card gets a 🛑 reaction", async () => {
    current = await startTeams();
    const t = current;
    t.harness.hold();
    await postActivity(t.harness.url, messageActivity(t.fake, { text: "long job", id: "r-1", thread: "t-react" }), `Bearer ${t.fake.sign()}`);
    const task = await waitFor(() => tasksOf(t).find((x) => x.status === "running"), 5000, "the task to run");
    const card = await waitFor(() => t.fake.messages.find((m) => m.kind === "post"), 5000, "the card");
    const reaction = {
      ...messageActivity(t.fake, { text: "", id: "react-1", thread: "t-react", mention: false }),
      type: "messageReaction",
      text: undefined,
      replyToId: card.id,
      reactionsAdded: [{ type: "🛑" }],
    };
    expect((await postActivity(t.harness.url, reaction, `Bearer ${t.fake.sign()}`)).status).toBe(200);
    t.harness.release();
    expect((await t.harness.settle(task.id)).status).toBe("cancelled");
  });

  it("answers the Action.Execute invoke for Stop with an invoke response", async () => {
    current = await startTeams();
    const t = current;
    t.harness.hold();
    await postActivity(t.harness.url, messageActivity(t.fake, { text: "long job", id: "x-1", thread: "t-exec" }), `Bearer ${t.fake.sign()}`);
    const task = await waitFor(() => tasksOf(t).find((x) => x.status === "running"), 5000, "the task to run");
    const invoke = {
      ...messageActivity(t.fake, { text: "", id: "inv-1", thread: "t-exec", mention: false }),
      type: "invoke",
      name: "adaptiveCard/action",
      text: undefined,
      value: { action: { type: "Action.Execute", verb: "openkoi_stop", data: { action: "openkoi_stop", taskId: task.id } } },
    };
    const res = await postActivity(t.harness.url, invoke, `Bearer ${t.fake.sign()}`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.activity.message" });
    t.harness.release();
    expect((await t.harness.settle(task.id)).status).toBe("cancelled");
  });

  it("ignores a Stop click from someone outside the allowlist", async () => {
    current = await startTeams({ allowUsers: ["U_ALICE"] });
    const t = current;
    t.harness.hold();
    await postActivity(t.harness.url, messageActivity(t.fake, { text: "long job", id: "s-1", thread: "t-deny-stop" }), `Bearer ${t.fake.sign()}`);
    const task = await waitFor(() => tasksOf(t).find((x) => x.status === "running"), 5000, "the task to run");
    const stranger = {
      ...messageActivity(t.fake, { text: "", id: "s-2", thread: "t-deny-stop", user: "U_MALLORY", mention: false }),
      text: undefined,
      value: { action: "openkoi_stop", taskId: task.id },
    };
    expect((await postActivity(t.harness.url, stranger, `Bearer ${t.fake.sign()}`)).status).toBe(200);
    t.harness.release();
    expect((await t.harness.settle(task.id)).status).toBe("completed");
  });

  it("without app_id refuses to start unless allow_unauthenticated is set (the channel fails alone)", async () => {
    current = await startTeams({ appId: "" });
    const status = (await (await fetch(`${current.harness.url}/api/v1/status`)).json()) as { channels: Record<string, { state: string; last_error: string }> };
    expect(status.channels.teams?.state).toBe("failed");
    expect(status.channels.teams?.last_error).toMatch(/channels\.teams\.app_id: required.*allow_unauthenticated = true/);
    const res = await postActivity(current.harness.url, messageActivity(current.fake, { text: "hi", id: "x-1", thread: "t-x" }), undefined);
    expect(res.status).toBe(404);
    expect(tasksOf(current)).toHaveLength(0);
  });

  it("without app_id and with allow_unauthenticated accepts unsigned activities (emulator mode) and replies without a token", async () => {
    current = await startTeams({ appId: "", config: { allow_unauthenticated: true } });
    const t = current;
    await runOne(t, "hello", "na-1", "t-noauth", null);
    const post = await waitFor(() => connectorCalls(t).find((r) => r.method === "POST"), 5000, "the reply");
    expect(post.headers.authorization).toBeUndefined();
  });
});
