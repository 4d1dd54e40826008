/** `require_passing_score` through the whole hub: the real email integration, the real SMTP server, the real loop. */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { type SmtpFake, startSmtpFake } from "../fakes/smtp.js";
import { type HubHarness, startHubHarness } from "../helpers/hub-harness.js";
import { loopScript } from "../helpers/scripted-model.js";

let smtp: SmtpFake;
let harness: HubHarness | undefined;
beforeAll(async () => {
  smtp = await startSmtpFake({ user: "bot", pass: "s3cret-pass" });
  return () => smtp.close();
});
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  smtp.messages.splice(0);
});

const email = () => ({
  email: {
    host: "127.0.0.1",
    port: smtp.port,
    tls: "none",
    user: "bot",
    password: "s3cret-pass",
    from: "openkoi <bot@example.test>",
    require_passing_score: true,
  },
});

async function runWithScore(score: number) {
  harness = await startHubHarness({ integrations: email() });
  harness.model.respondWith(
    loopScript({
      execute: () => ({ toolCalls: [{ name: "email_send", input: { to: "lead@example.test", subject: "Report", text: "Done." } }] }),
      judge: (_n, dims) => ({ scores: Object.fromEntries(dims.map((d) => [d, score])) }),
    }),
  );
  const response = await fetch(`${harness.url}/api/v1/tasks`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ description: "Email the report", max_iterations: 1, quality_threshold: 0.8 }),
  });
  const { id } = (await response.json()) as { id: string };
  return harness.settle(id);
}

describe("write actions held until the work passes review", () => {
  it("sends nothing when the final score fails", async () => {
    const task = await runWithScore(4);
    expect(task.status).toBe("completed");
    expect(smtp.messages).toHaveLength(0);
  });

  it("sends the accepted attempt's email once the score passes", async () => {
    const task = await runWithScore(9);
    expect(task.status).toBe("completed");
    expect(smtp.messages.map((m) => m.parsed.subject)).toEqual(["Report"]);
  });
});
