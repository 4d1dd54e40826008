/** The loop hands tool and check output to the model (and to <data>/tool-output/) only through `deps.redact`. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createRedactor } from "../../src/core/redact.js";
import type { Tool } from "../../src/core/tool.js";
import { type ModelFake, startOpenAIFake } from "../fakes/openai-fake.js";
import { loopScript, phaseOf } from "../helpers/scripted-model.js";
import { request, runLoop } from "./loop-helpers.js";

const SECRET = "hub-secret-token-0123456789";
const redact = createRedactor([{ name: "HUB_TOKEN", value: SECRET }]).text;

/** A tool whose output holds the secret, far past the 2,000-line cap so the full text is saved to disk. */
const leakyTool: Tool<Record<string, never>> = {
  name: "print_env",
  description: "Prints the environment.",
  class: "read",
  schema: z.object({}),
  run: async () => ({ output: `HUB_TOKEN=${SECRET}\n${"filler\n".repeat(2100)}` }),
};

let fake: ModelFake | undefined;
afterEach(async () => fake?.close());

describe("redaction in the loop", () => {
  it("redacts tool results before the model and the saved output see them, and check summaries before the judge", async () => {
    fake = await startOpenAIFake();
    fake.respondWith(
      loopScript({
        execute: () => ({ toolCalls: [{ name: "print_env", input: {} }] }),
        judge: (_n, dims) => ({ scores: Object.fromEntries(dims.map((d) => [d, 9])) }),
      }),
    );
    const check = async () => ({
      dimension: { dimension: "tests", score: 1, weight: 0.3 },
      findings: [],
      passed: true,
      summary: `tests passed (env HUB_TOKEN=${SECRET})`,
    });
    const { events, toolOutputDir } = await runLoop(fake, request({}, { maxIterations: 1 }), { tools: [leakyTool], deps: { redact, checks: [check] } });
    expect(events.at(-1)?.type).toBe("task.completed");
    const chats = fake.chats();
    const followUp = JSON.stringify(chats.find((c) => phaseOf(c, undefined) === "tool-followup"));
    expect(followUp).toContain("HUB_TOKEN=[redacted:HUB_TOKEN]");
    const judge = JSON.stringify(chats.find((c) => JSON.stringify(c.tool_choice ?? "").includes("submit_evaluation")));
    expect(judge).toContain("tests passed (env HUB_TOKEN=[redacted:HUB_TOKEN])");
    const saved = readdirSync(toolOutputDir).map((f) => readFileSync(join(toolOutputDir, f), "utf8"));
    expect(saved).toHaveLength(1);
    expect(saved[0]?.startsWith("HUB_TOKEN=[redacted:HUB_TOKEN]\n")).toBe(true);
    expect(JSON.stringify(chats).includes(SECRET)).toBe(false);
  });
});
