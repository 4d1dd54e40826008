/** The reply sink's last resort: when the progress message can no longer be edited, the result is posted anew. */
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../../fakes/http.js";
import { asRecord } from "../../fakes/openai-fake.js";
import { passingScript } from "../../helpers/hub-harness.js";
import { type SlackUnderTest, startSlackHub } from "./helpers.js";

let current: SlackUnderTest | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

describe("slack reply sink", () => {
  it("posts the final result as a new message in the thread when editing the progress message fails", async () => {
    const t = await startSlackHub();
    current = t;
    t.harness.model.respondWith(passingScript("The answer is 42."));
    t.harness.hold();
    const payload = t.slack.mentionPayload({ text: "what is the answer?", eventId: "EvGone1" });
    const ts = String(asRecord(payload.event).ts);
    expect((await t.slack.deliver(t.events, payload)).status).toBe(200);
    const progress = await waitFor(() => t.slack.posted.find((m) => m.threadTs === ts), 5000, "the progress message");
    // Someone deleted the progress message: every edit from now on is refused.
    for (let i = 0; i < 20; i++) t.slack.failNext("chat.update", { json: { ok: false, error: "message_not_found" } });
    t.harness.release();
    const result = await waitFor(
      () => t.slack.posted.find((m) => m.threadTs === ts && m.ts !== progress.ts && m.visible.includes("The answer is 42.")),
      10_000,
      "the result posted anew",
    );
    expect(result.visible).toContain("The answer is 42.");
    expect(t.slack.edits.some((m) => m.visible.includes("The answer is 42."))).toBe(false);
  });
});
