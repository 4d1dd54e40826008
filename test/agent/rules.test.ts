/** The rules a planted bug once slipped past: the pass threshold, the judge's clamp, tighten-only budgets, grants, held writes. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { holdUntilPassed } from "../../src/agent/held.js";
import { passes } from "../../src/agent/stop-rules.js";
import type { HeldAction } from "../../src/agent/types.js";
import type { Tool } from "../../src/core/tool.js";
import { asRecord, type ModelFake, startOpenAIFake } from "../fakes/openai-fake.js";
import { loopScript } from "../helpers/scripted-model.js";
import { request, runLoop } from "./loop-helpers.js";

const judged = (scores: Record<string, number>) => () => ({ scores });

function recordingEmail(sent: string[]): Tool<{ subject: string }> {
  return {
    name: "email_send",
    description: "send an email",
    class: "write",
    schema: z.object({ subject: z.string() }),
    run: async ({ subject }) => ({ output: `sent #${sent.push(subject)}` }),
  };
}

describe("rules of the loop", () => {
  let fake: ModelFake;
  beforeAll(async () => {
    fake = await startOpenAIFake();
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.requests.length = 0;
  });

  it("passes a score exactly at the threshold (>=, one rule)", async () => {
    expect(passes(0.8, 0.8)).toBe(true);
    expect(passes(0.7999, 0.8)).toBe(false);
    // correctness 0.6 × 0.5 + style 0.4 × 0.5 = 0.5 exactly, at a threshold of 0.5.
    fake.respondWith(loopScript({ execute: () => ({ text: "answer" }), judge: judged({ correctness: 5, style: 5 }) }));
    const { result } = await runLoop(fake, request({}, { qualityThreshold: 0.5, maxIterations: 3 }));
    expect(result).toMatchObject({ type: "task.completed", score: 0.5, passed: true, decision: "accept", iterations: 1 });
  });

  it("clamps each judge score to 0–10, so an out-of-range answer cannot lift the total", async () => {
    fake.respondWith(loopScript({ execute: () => ({ text: "answer" }), judge: judged({ correctness: 15, style: 2 }) }));
    const { result } = await runLoop(fake, request({}, { qualityThreshold: 0.8, maxIterations: 1 }));
    // Clamped: 0.6 × 1.0 + 0.4 × 0.2 = 0.68 (unclamped it would be 0.98 and pass).
    expect(result).toMatchObject({ type: "task.completed", passed: false, iterations: 1 });
    expect((result as { score: number }).score).toBeCloseTo(0.68, 10);
  });

  it("lets a request tighten the cost limit but never loosen it", async () => {
    const script = () => loopScript({ execute: (i) => ({ text: `answer ${i}` }), judge: judged({ correctness: 5, style: 5 }) });
    const price = () => ({ costUsd: 0.01, priced: true });
    fake.respondWith(script());
    const loosened = await runLoop(fake, request({}, { maxIterations: 10, budgets: { maxCostUsd: 100 } }), { limits: { maxCostUsd: 0.045 }, price });
    // The configured $0.045 stops it at $0.05 (priced in $0.01 steps); the request's $100 was ignored.
    expect(loosened.result).toMatchObject({ type: "task.completed", decision: "abort_budget", iterations: 3 });
    expect((loosened.result as { costUsd: number }).costUsd).toBeCloseTo(0.05, 10);
    fake.respondWith(script());
    const tightened = await runLoop(fake, request({}, { maxIterations: 10, budgets: { maxCostUsd: 0.015 } }), { limits: { maxCostUsd: 0.045 }, price });
    // $0.015 is spent by the plan and the first executor turn, before any attempt could be judged.
    expect(tightened.result).toMatchObject({ type: "task.failed", code: "ABORT_BUDGET" });
  });

  it("offers the model only the tool classes the task was granted", async () => {
    fake.respondWith(loopScript({ execute: () => ({ text: "answer" }), judge: judged({ correctness: 9, style: 9 }) }));
    await runLoop(fake, request({}, { grants: ["read"], maxIterations: 1 }));
    const toolNames = (body: Record<string, unknown>) => (Array.isArray(body.tools) ? body.tools : []).map((t) => String(asRecord(asRecord(t).function).name));
    const executorTurns = fake.chats().filter((body) => !toolNames(body).some((n) => n.startsWith("submit_")));
    expect(executorTurns).toHaveLength(1);
    for (const body of executorTurns) expect(toolNames(body).sort()).toEqual(["list_files", "read_file", "search_text"]);
  });

  it("runs a held write only for the accepted attempt, and none when the work never passes", async () => {
    const sent: string[] = [];
    const run = async (scoreOf: (evaluation: number) => number) => {
      const held: HeldAction[] = [];
      let n = 0;
      fake.respondWith(
        loopScript({
          execute: () => ({ toolCalls: [{ name: "email_send", input: { subject: `draft ${++n}` } }] }),
          judge: (i) => ({ scores: { correctness: scoreOf(i), style: scoreOf(i) } }),
        }),
      );
      const tools = [holdUntilPassed(recordingEmail(sent), held)];
      return runLoop(fake, request({}, { maxIterations: 2 }), { tools, deps: { heldActions: () => held } });
    };
    const failing = await run(() => 4);
    expect(failing.result).toMatchObject({ type: "task.completed", passed: false, iterations: 2 });
    expect(sent).toEqual([]);
    expect((failing.result as { output: string }).output).toContain("held action(s) not run");
    const passing = await run((i) => (i === 0 ? 5 : 9));
    expect(passing.result).toMatchObject({ type: "task.completed", passed: true, iterations: 2 });
    expect(sent).toEqual(["draft 2"]);
  });
});
