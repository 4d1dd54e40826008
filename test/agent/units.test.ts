import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pruneMessages } from "../../src/agent/context-window.js";
import { decide } from "../../src/agent/stop-rules.js";
import { globToRegExp, walkFiles } from "../../src/agent/tools/glob.js";
import { resolveInWorkspace } from "../../src/agent/tools/workspace.js";
import { chunkText } from "../../src/channels/chunk.js";
import { emptyView, foldEvent, progressLine, taskMessage } from "../../src/channels/task-view.js";
import type { ChatMessage } from "../../src/core/model.js";
import { tempDir } from "../helpers/cli.js";

describe("workspace confinement", () => {
  it("refuses paths that leave the workspace, also through a symlink", () => {
    const ws = tempDir("confine");
    const outside = tempDir("outside");
    symlinkSync(outside, join(ws, "escape"));
    expect(() => resolveInWorkspace(ws, "../x")).toThrow(/outside the workspace/);
    expect(() => resolveInWorkspace(ws, "/etc/passwd")).toThrow(/outside the workspace/);
    expect(() => resolveInWorkspace(ws, "escape/secret.txt")).toThrow(/outside the workspace/);
    expect(resolveInWorkspace(ws, "src/new/file.ts")).toBe(join(resolveInWorkspace(ws, "."), "src/new/file.ts"));
  });
});

describe("globs", () => {
  it("matches **, *, ? and {a,b} over relative paths, skipping dependency folders", () => {
    expect(globToRegExp("src/**/*.ts").test("src/a/b/c.ts")).toBe(true);
    expect(globToRegExp("src/**/*.ts").test("src/c.ts")).toBe(true);
    expect(globToRegExp("*.{js,ts}").test("a.ts")).toBe(true);
    expect(globToRegExp("*.{js,ts}").test("dir/a.ts")).toBe(false);
    expect(globToRegExp("file?.md").test("file1.md")).toBe(true);
    const ws = tempDir("glob");
    mkdirSync(join(ws, "node_modules/x"), { recursive: true });
    mkdirSync(join(ws, "src"));
    writeFileSync(join(ws, "node_modules/x/i.js"), "");
    writeFileSync(join(ws, "src/a.ts"), "");
    expect(walkFiles(ws)).toEqual(["src/a.ts"]);
  });
});

describe("context pruning", () => {
  it("clears the oldest tool outputs first, then drops whole exchanges without orphaning tool results", () => {
    const messages: ChatMessage[] = [
      { role: "user", content: "task" },
      { role: "assistant", content: "", toolCalls: [{ id: "1", name: "read_file", input: {} }] },
      { role: "tool", toolCallId: "1", name: "read_file", content: "A".repeat(1000) },
      { role: "assistant", content: "", toolCalls: [{ id: "2", name: "read_file", input: {} }] },
      { role: "tool", toolCallId: "2", name: "read_file", content: "B".repeat(1000) },
    ];
    const once = pruneMessages(messages) as ChatMessage[];
    expect(once[2]?.content).toMatch(/cleared/);
    expect(once[4]?.content).toBe("B".repeat(1000));
    const twice = pruneMessages(once) as ChatMessage[];
    const thrice = pruneMessages(twice) as ChatMessage[];
    expect(thrice.map((m) => m.role)).toEqual(["user", "assistant", "tool"]);
    expect(thrice[0]?.content).toMatch(/earlier message\(s\) removed/);
    expect(pruneMessages([{ role: "user", content: "only" }])).toBeUndefined();
  });
});

describe("stop rules", () => {
  const base = {
    iteration: 1,
    maxIterations: 3,
    score: 0.5,
    previousScore: undefined,
    threshold: 0.8,
    toolLoopTripped: false,
    abortOnRegression: true,
    regressionThreshold: 0.2,
  };
  it("accepts at the threshold, aborts on regression or a tool loop, takes the best at the end, else continues", () => {
    expect(decide({ ...base, score: 0.8 })).toBe("accept");
    expect(decide({ ...base, iteration: 2, previousScore: 0.75, score: 0.5 })).toBe("abort_regression");
    expect(decide({ ...base, iteration: 2, previousScore: 0.75, score: 0.5, abortOnRegression: false })).toBe("continue");
    expect(decide({ ...base, toolLoopTripped: true, score: 0.9 })).toBe("abort_tool_loop");
    expect(decide({ ...base, iteration: 3 })).toBe("accept_best");
    expect(decide(base)).toBe("continue");
  });
});

describe("chat rendering helpers", () => {
  it("splits long text at the limit on line breaks and never loses a character", () => {
    const text = Array.from({ length: 200 }, (_, i) => `line ${i} 😀`).join("\n");
    const chunks = chunkText(text, 100);
    expect(chunks.every((c) => c.length <= 100)).toBe(true);
    expect(chunks.join("\n")).toBe(text);
    expect(chunkText("😀".repeat(60), 101).every((c) => !/^[\udc00-\udfff]/.test(c))).toBe(true);
  });

  it("folds events into the one-line progress and the final rich message", () => {
    const at = new Date().toISOString();
    let view = emptyView("t1", "fix the bug");
    view = foldEvent(view, { type: "iteration.started", iteration: 2, maxIterations: 3, taskId: "t1", seq: 1, at });
    view = foldEvent(view, {
      type: "eval.done",
      iteration: 2,
      score: 0.9,
      dimensions: [
        { dimension: "correctness", score: 0.91, weight: 0.6 },
        { dimension: "safety", score: 0.94, weight: 0.4 },
      ],
      findings: [],
      evaluator: "code-review",
      incremental: false,
      taskId: "t1",
      seq: 2,
      at,
    });
    view = foldEvent(view, {
      type: "usage.recorded",
      phase: "execute",
      provider: "openai",
      model: "m",
      inputTokens: 1,
      outputTokens: 1,
      costUsd: 0.04,
      priced: true,
      taskId: "t1",
      seq: 3,
      at,
    });
    expect(progressLine(view)).toBe("iteration 2/3 · correctness 9.1 · safety 9.4 · $0.04");
    const running = taskMessage(view, 100);
    expect(running.status).toBe("running");
    expect(running.buttons.map((b) => b.label)).toEqual(["Stop"]);
    view = foldEvent(view, {
      type: "task.completed",
      output: "done",
      score: 0.9,
      iterations: 2,
      decision: "accept",
      filesChanged: ["a.ts"],
      costUsd: 0.04,
      tokens: 2,
      durationMs: 1500,
      passed: true,
      dimensions: [],
      taskId: "t1",
      seq: 4,
      at,
    });
    const final = taskMessage(view, 100);
    expect(final).toMatchObject({ status: "passed", buttons: [] });
    expect(final.fields).toEqual(
      expect.arrayContaining([
        { label: "Files changed", value: "1: a.ts" },
        { label: "Duration", value: "1.5s" },
      ]),
    );
  });
});
