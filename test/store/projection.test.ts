import { describe, expect, it } from "vitest";
import type { DimensionScore, Finding, TaskEventBody } from "../../src/core/events.js";
import { emitterFor, openTestStore, request } from "./helpers.js";

const dims = (score: number): DimensionScore[] => [
  { dimension: "correctness", score, weight: 0.6 },
  { dimension: "style", score, weight: 0.4 },
];
const finding: Finding = {
  id: "F1",
  severity: "important",
  dimension: "correctness",
  title: "Off by one",
  description: "The loop skips the last item",
  fix: "Use <=",
};

/** What the agent loop emits for a task that passes on its second iteration. */
const run: TaskEventBody[] = [
  { type: "task.queued", description: "Fix the parser" },
  { type: "task.started", description: "Fix the parser", model: "anthropic/claude-opus-4", maxIterations: 3, qualityThreshold: 0.8, workspace: "/srv/repo" },
  { type: "usage.recorded", phase: "plan", provider: "anthropic", model: "claude-opus-4", inputTokens: 1000, outputTokens: 200, costUsd: 0.03, priced: true },
  { type: "plan.ready", plan: { steps: ["read", "fix"], files: ["src/parse.ts"] } },
  { type: "iteration.started", iteration: 1, maxIterations: 3 },
  { type: "tool.called", iteration: 1, callId: "c1", name: "edit", input: { path: "src/parse.ts" } },
  { type: "tool.result", iteration: 1, callId: "c1", name: "edit", output: "ok", isError: false, filesChanged: ["src/parse.ts"] },
  { type: "eval.done", iteration: 1, score: 0.6, dimensions: dims(0.6), findings: [finding], evaluator: "code-review", incremental: false },
  { type: "iteration.done", iteration: 1, score: 0.6, decision: "continue", durationMs: 1200, costUsd: 0.05 },
  { type: "refine.started", iteration: 1, feedback: "Fix the off by one" },
  { type: "iteration.started", iteration: 2, maxIterations: 3 },
  { type: "tool.result", iteration: 2, callId: "c2", name: "write", output: "ok", isError: false, filesChanged: ["test/parse.test.ts"] },
  { type: "usage.recorded", phase: "execute", provider: "openai", model: "gpt-5", inputTokens: 3000, outputTokens: 500, costUsd: 0.02, priced: true },
  { type: "eval.done", iteration: 2, score: 0.9, dimensions: dims(0.9), findings: [], evaluator: "code-review", incremental: true },
  { type: "iteration.done", iteration: 2, score: 0.9, decision: "accept", durationMs: 800, costUsd: 0.03 },
  {
    type: "task.completed",
    output: "Fixed the parser",
    score: 0.9,
    iterations: 2,
    decision: "accept",
    filesChanged: ["src/parse.ts", "test/parse.test.ts"],
    costUsd: 0.05,
    tokens: 4700,
    durationMs: 2000,
    passed: true,
    dimensions: dims(0.9),
  },
];

describe("event projection", () => {
  it("projects a whole run onto the task, its iterations, findings and usage", () => {
    const store = openTestStore();
    const { taskId } = store.queue.enqueue(request({ id: "t-run" }));
    store.queue.claimNext();
    const emit = emitterFor(store, taskId);
    for (const body of run) emit(body);

    const detail = store.taskDetail(taskId);
    expect(detail?.task).toMatchObject({
      status: "completed",
      model: "anthropic/claude-opus-4",
      score: 0.9,
      bestScore: 0.9,
      iterations: 2,
      decision: "accept",
      costUsd: 0.05,
      tokens: 4700,
      output: "Fixed the parser",
      filesChanged: ["src/parse.ts", "test/parse.test.ts"],
      lastSeq: run.length,
      attempts: 1,
    });
    expect(detail?.task.error).toBeUndefined();
    expect(detail?.task.timings.finishedAt).toBeDefined();
    expect(detail?.iterations).toEqual([
      { iteration: 1, score: 0.6, decision: "continue", durationMs: 1200, costUsd: 0.05, dimensions: dims(0.6) },
      { iteration: 2, score: 0.9, decision: "accept", durationMs: 800, costUsd: 0.03, dimensions: dims(0.9) },
    ]);
    expect(detail?.findings).toEqual([{ ...finding, iteration: 1 }]);
    const usage = store.db.prepare("SELECT provider, model, input_tokens, output_tokens, priced FROM usage ORDER BY id").all();
    expect(usage).toEqual([
      { provider: "anthropic", model: "claude-opus-4", input_tokens: 1000, output_tokens: 200, priced: 1 },
      { provider: "openai", model: "gpt-5", input_tokens: 3000, output_tokens: 500, priced: 1 },
    ]);
  });

  it("tracks the phase and running totals while the task runs", () => {
    const store = openTestStore();
    const { taskId } = store.queue.enqueue(request());
    store.queue.claimNext();
    const emit = emitterFor(store, taskId);
    const phases: Array<string | undefined> = [];
    for (const body of run.slice(0, 10)) {
      emit(body);
      phases.push(store.getTask(taskId)?.phase);
    }
    expect(phases).toEqual([undefined, "plan", "plan", "plan", "execute", "execute", "execute", "evaluate", "evaluate", "refine"]);
    expect(store.getTask(taskId)).toMatchObject({ status: "running", score: 0.6, bestScore: 0.6, costUsd: 0.03, tokens: 1200, filesChanged: ["src/parse.ts"] });
  });

  it("is idempotent per (taskId, seq) and replays events in order after a seq", () => {
    const store = openTestStore();
    const { taskId } = store.queue.enqueue(request());
    const emit = emitterFor(store, taskId);
    for (const body of run) emit(body);
    const stored = store.events(taskId);
    for (const event of stored) store.applyEvent(event);

    expect(stored.map((e) => e.seq)).toEqual(run.map((_, i) => i + 1));
    expect(stored[1]).toMatchObject({ taskId, seq: 2, type: "task.started", model: "anthropic/claude-opus-4" });
    expect(store.events(taskId, 14).map((e) => e.type)).toEqual(["iteration.done", "task.completed"]);
    expect(store.getTask(taskId)).toMatchObject({ costUsd: 0.05, tokens: 4700 });
    expect(store.db.prepare("SELECT COUNT(*) FROM usage").pluck().get()).toBe(2);
    expect(store.taskDetail(taskId)?.findings).toHaveLength(1);
  });

  it("replaces an iteration's findings when it is evaluated again", () => {
    const store = openTestStore();
    const { taskId } = store.queue.enqueue(request());
    const emit = emitterFor(store, taskId);
    const second: Finding = { id: "F2", severity: "blocker", dimension: "safety", title: "Leak", description: "Token logged" };
    emit({ type: "eval.done", iteration: 1, score: 0.5, dimensions: dims(0.5), findings: [finding], evaluator: "e", incremental: false });
    emit({ type: "eval.done", iteration: 1, score: 0.4, dimensions: dims(0.4), findings: [second], evaluator: "e", incremental: false });
    expect(store.taskDetail(taskId)?.findings).toEqual([{ ...second, iteration: 1 }]);
    expect(store.taskDetail(taskId)?.iterations[0]).toMatchObject({ score: 0.4, dimensions: dims(0.4) });
  });

  it("records failures and cancellations, and never reopens a final task", () => {
    const store = openTestStore();
    const failed = store.queue.enqueue(request()).taskId;
    store.queue.claimNext();
    const emitFailed = emitterFor(store, failed);
    emitFailed({ type: "task.failed", code: "PROVIDER_AUTH", message: "Anthropic said 401: check providers.anthropic.api_key" });
    emitFailed({ type: "task.started", description: "late", model: "x/y", maxIterations: 1, qualityThreshold: 0.5, workspace: "/" });
    expect(store.getTask(failed)).toMatchObject({
      status: "failed",
      error: { code: "PROVIDER_AUTH", message: "Anthropic said 401: check providers.anthropic.api_key" },
    });

    const cancelled = store.queue.enqueue(request()).taskId;
    store.queue.claimNext();
    emitterFor(store, cancelled)({ type: "task.cancelled", reason: "Stopped from Slack", iterations: 1, filesChanged: ["a.ts"] });
    expect(store.getTask(cancelled)).toMatchObject({
      status: "cancelled",
      iterations: 1,
      filesChanged: ["a.ts"],
      error: { code: "CANCELLED", message: "Stopped from Slack" },
    });

    const interrupted = store.queue.enqueue(request()).taskId;
    store.queue.claimNext();
    emitterFor(store, interrupted)({ type: "task.interrupted", reason: "The hub is shutting down", iterations: 2, filesChanged: ["b.ts"] });
    expect(store.getTask(interrupted)).toMatchObject({
      status: "interrupted",
      iterations: 2,
      filesChanged: ["b.ts"],
      error: { code: "INTERRUPTED", message: "The hub is shutting down" },
    });
    expect(store.queue.runningIds()).toEqual([]);
  });

  it("rejects events for a task it does not know, with what to do", () => {
    const store = openTestStore();
    const emit = emitterFor(store, "ghost");
    expect(() => emit({ type: "task.queued", description: "x" })).toThrow(/Task ghost is not in the store: enqueue it or call startTask/);
    expect(store.events("ghost")).toEqual([]);
  });

  it("projects a CLI task started without the queue", () => {
    const store = openTestStore();
    const req = request({ origin: { kind: "cli" } });
    store.startTask(req);
    expect(store.getTask(req.id)).toMatchObject({ status: "running", attempts: 1, request: req });
    const emit = emitterFor(store, req.id);
    emit({
      type: "task.completed",
      output: "done",
      score: 1,
      iterations: 1,
      decision: "skip_eval",
      filesChanged: [],
      costUsd: 0,
      tokens: 0,
      durationMs: 5,
      passed: true,
      dimensions: [],
    });
    expect(store.queue.depth()).toBe(0);
    expect(store.getTask(req.id)).toMatchObject({ status: "completed", decision: "skip_eval" });
  });
});
