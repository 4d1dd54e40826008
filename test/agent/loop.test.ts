import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { TaskEvent } from "../../src/core/events.js";
import { asRecord, type ModelFake, startOpenAIFake } from "../fakes/openai-fake.js";
import { loopScript, phaseOf } from "../helpers/scripted-model.js";
import { request, runLoop } from "./loop-helpers.js";

const scores = (value: number) => (_n: number, dims: string[]) => ({ scores: Object.fromEntries(dims.map((d) => [d, value])) });
const messagesOf = (body: Record<string, unknown>) => (Array.isArray(body.messages) ? body.messages.map(asRecord) : []);

describe("the agent loop against the scripted model", () => {
  let fake: ModelFake;
  beforeAll(async () => {
    fake = await startOpenAIFake();
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.requests.length = 0;
  });

  it("trips the tool-loop breaker, warning the model at the critical count first", async () => {
    fake.respondWith(loopScript({ execute: () => ({ toolCalls: [{ name: "list_files", input: {} }] }), judge: scores(9) }));
    // Every executor turn calls a tool, so only the breaker ends the attempt.
    fake.respondWith((body, view, req) =>
      phaseOf(body, view.toolChoice) === "tool-followup"
        ? { toolCalls: [{ name: "list_files", input: {} }] }
        : loopScript({ execute: () => ({ toolCalls: [{ name: "list_files", input: {} }] }), judge: scores(9) })(body, view, req),
    );
    const { result, events } = await runLoop(fake, request(), { limits: { toolLoop: { warning: 2, critical: 3, circuitBreaker: 5 } } });
    expect(result).toMatchObject({ type: "task.completed", decision: "abort_tool_loop" });
    expect(events.filter((e) => e.type === "tool.called")).toHaveLength(5);
    expect(
      events
        .filter((e) => e.type === "budget.warning")
        .map((e) => (e as { message: string }).message)
        .join("\n"),
    ).toMatch(/Tool loop detected: 5 tool calls/);
    expect(fake.chats().some((b) => messagesOf(b).some((m) => String(m.content).includes("[SYSTEM WARNING]")))).toBe(true);
    expect(String((result as { output: string }).output)).toContain("[ABORTED: Tool loop detected");
  });

  it("stops inside an iteration when the token budget runs out", async () => {
    fake.respondWith((body, view, req) => {
      const reply = loopScript({ execute: () => ({ toolCalls: [{ name: "list_files", input: {} }] }), judge: scores(9) })(body, view, req);
      return { ...reply, usage: { input: 400, output: 100 } } as never;
    });
    const { result, events } = await runLoop(fake, request(), { limits: { tokenBudget: 1200 } });
    expect(result).toMatchObject({ type: "task.failed", code: "ABORT_BUDGET" });
    expect((result as { message: string }).message).toContain("Token budget exhausted");
    // Stopped before any evaluation: the budget is checked between model and tool calls.
    expect(events.some((e) => e.type === "eval.done")).toBe(false);
    expect(events.some((e) => e.type === "budget.warning" && e.kind === "tokens")).toBe(true);
  });

  it("stops on the cost limit and keeps the best iteration when one exists", async () => {
    fake.respondWith(loopScript({ execute: (i) => ({ text: `answer ${i}` }), judge: scores(5) }));
    const { result } = await runLoop(fake, request(), { limits: { maxCostUsd: 0.045 }, price: () => ({ costUsd: 0.01, priced: true }) });
    expect(result).toMatchObject({ type: "task.completed", decision: "abort_budget", passed: false });
    expect((result as { iterations: number }).iterations).toBe(3);
  });

  it("stops on the wall-clock limit", async () => {
    let release: () => void = () => {};
    fake.respondWith(loopScript({ execute: () => ({ text: "x" }), judge: scores(5) }));
    fake.setGate(new Promise((r) => (release = r)));
    setTimeout(() => {
      fake.setGate(undefined);
      release();
    }, 1200);
    const { result } = await runLoop(fake, request(), { limits: { timeoutSeconds: 1 } });
    expect(result).toMatchObject({ type: "task.failed", code: "ABORT_TIMEOUT" });
  });

  it("cuts an in-flight shell command short when the wall-clock limit passes", async () => {
    fake.respondWith(loopScript({ execute: () => ({ toolCalls: [{ name: "run_command", input: { command: "sleep 30" } }] }), judge: scores(9) }));
    const started = Date.now();
    const { result } = await runLoop(fake, request(), { limits: { timeoutSeconds: 1 } });
    expect(result).toMatchObject({ type: "task.failed", code: "ABORT_TIMEOUT" });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("aborts on a score regression and returns the best attempt", async () => {
    let attempt = 0;
    fake.respondWith(
      loopScript({
        execute: () => ({ toolCalls: [{ name: "write_file", input: { path: "f.txt", content: `v${attempt++}` } }] }),
        judge: (n, dims) => scores(n === 0 ? 9 : 5)(n, dims),
        summary: "summary",
      }),
    );
    const req = request({}, { qualityThreshold: 0.95 });
    const { result, events } = await runLoop(fake, req);
    expect(result).toMatchObject({ type: "task.completed", decision: "abort_regression", iterations: 2 });
    expect((result as { score: number }).score).toBeCloseTo(0.9);
    // The files are the best attempt's too, not the worse last one's.
    expect(readFileSync(join(req.workspace, "f.txt"), "utf8")).toBe("v0");
    expect((result as { output: string }).output).toContain("Kept iteration 1's version of f.txt");
    expect(events.filter((e) => e.type === "iteration.done").map((e) => (e as { decision: string }).decision)).toEqual(["continue", "abort_regression"]);
  });

  it("truncates a huge tool output for the model and saves the full text", async () => {
    const req = request();
    writeFileSync(join(req.workspace, "big.txt"), Array.from({ length: 5000 }, (_, i) => `line ${i}`).join("\n"));
    fake.respondWith(loopScript({ execute: () => ({ toolCalls: [{ name: "read_file", input: { path: "big.txt" } }] }), judge: scores(9) }));
    await runLoop(fake, req);
    const followup = fake.chats().find((b) => messagesOf(b).some((m) => m.role === "tool"));
    const toolMessage = messagesOf(followup ?? {}).find((m) => m.role === "tool");
    const content = String(toolMessage?.content);
    expect(content).toContain("[Output truncated:");
    expect(content).not.toContain("line 4999");
    const saved = /Full output saved to (\S+\.txt);/.exec(content)?.[1] as string;
    expect(readFileSync(saved, "utf8")).toContain("line 4999");
  });

  it("asks the judge once more when it answers in prose instead of calling submit_evaluation", async () => {
    let judged = 0;
    fake.respondWith((body, view, req) => {
      if (view.toolChoice === "submit_evaluation" && judged++ === 0) return { text: "Looks great to me, 9/10." };
      return loopScript({ execute: () => ({ text: "done" }), judge: scores(9) })(body, view, req);
    });
    const { result, events } = await runLoop(fake, request());
    expect(result).toMatchObject({ type: "task.completed", passed: true, iterations: 1 });
    expect(judged).toBe(2);
    expect((events.find((e) => e.type === "eval.done") as { score: number }).score).toBeCloseTo(0.9);
  });

  it("refuses a path outside the workspace with a tool error the model sees", async () => {
    fake.respondWith(loopScript({ execute: () => ({ toolCalls: [{ name: "read_file", input: { path: "../../../../etc/passwd" } }] }), judge: scores(9) }));
    const { events } = await runLoop(fake, request());
    const result = events.find((e) => e.type === "tool.result");
    expect(result).toMatchObject({ isError: true });
    expect((result as { output: string }).output).toContain("is outside the workspace");
  });

  it("answers a context overflow by pruning old tool output and retrying", async () => {
    let overflowed = false;
    fake.respondWith((body, view, req) => {
      const phase = phaseOf(body, view.toolChoice);
      if (phase === "tool-followup" && !overflowed) {
        overflowed = true;
        return {
          error: {
            status: 400,
            code: "context_length_exceeded",
            type: "invalid_request_error",
            message: "This model's maximum context length is 128000 tokens.",
          },
        };
      }
      return loopScript({ execute: () => ({ toolCalls: [{ name: "list_files", input: {} }] }), judge: scores(9) })(body, view, req);
    });
    const { result } = await runLoop(fake, request());
    expect(result).toMatchObject({ type: "task.completed", passed: true });
    const retried = fake.chats().filter((b) => messagesOf(b).some((m) => String(m.content).includes("[Old tool result cleared")));
    expect(retried).toHaveLength(1);
  });

  it("cancels at the next boundary when the signal fires", async () => {
    const controller = new AbortController();
    fake.respondWith(loopScript({ execute: () => ({ toolCalls: [{ name: "run_command", input: { command: "sleep 20" } }] }), judge: scores(9) }));
    const started = Date.now();
    // Stop once the command has been called: the loop is then inside the tool, not between steps.
    const onEvent = (e: TaskEvent) => {
      if (e.type === "tool.called" && e.name === "run_command") controller.abort(new Error("user pressed stop"));
    };
    const { result, events } = await runLoop(fake, request(), { signal: controller.signal, onEvent });
    expect(result).toMatchObject({ type: "task.cancelled", reason: "user pressed stop" });
    expect(events.filter((e) => e.type === "tool.called").map((e) => e.type === "tool.called" && e.name)).toEqual(["run_command"]);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
