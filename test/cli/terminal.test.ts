import { describe, expect, it } from "vitest";
import { colourEnabled, createPaint, stripAnsi } from "../../src/cli/ansi.js";
import { renderLive } from "../../src/cli/live.js";
import { formatProgress } from "../../src/cli/progress.js";
import { createSpinner, type Ticker } from "../../src/cli/spinner.js";
import type { CurrentTaskState } from "../../src/state/files.js";

function manualTicker() {
  const ticks: Array<() => void> = [];
  let cancelled = 0;
  const ticker: Ticker = {
    every(_ms, tick) {
      ticks.push(tick);
      return () => void cancelled++;
    },
  };
  return {
    ticker,
    tick: () => {
      for (const t of ticks) t();
    },
    cancelled: () => cancelled,
  };
}

describe("spinner", () => {
  it("draws a frame, the status and the elapsed time; lines print above it; stop erases it", () => {
    let clock = 1_000;
    const out: string[] = [];
    const { ticker, tick, cancelled } = manualTicker();
    const spinner = createSpinner({ write: (t) => out.push(t), now: () => clock, ticker });
    spinner.show("[TASK] x\n", "planning");
    expect(out).toEqual(["\r\u001b[2K[TASK] x\n⠋ planning · 0.0s"]);
    clock += 1_500;
    tick();
    expect(out.at(-1)).toBe("\r\u001b[2K⠙ planning · 1.5s");
    spinner.show("[EXEC] iteration 1/3\n", "iteration 1/3");
    expect(out.at(-1)).toBe("\r\u001b[2K[EXEC] iteration 1/3\n⠙ iteration 1/3 · 1.5s");
    spinner.show(undefined, undefined);
    expect(out).toHaveLength(3);
    spinner.stop();
    expect(out.at(-1)).toBe("\r\u001b[2K");
    expect(cancelled()).toBe(1);
    spinner.show("after\n", undefined);
    expect(out.at(-1)).toBe("after\n");
  });

  it("colour only on a terminal, and never with NO_COLOR or TERM=dumb", () => {
    expect(colourEnabled({ isTTY: true }, {})).toBe(true);
    expect(colourEnabled({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    expect(colourEnabled({ isTTY: true }, { NO_COLOR: "" })).toBe(true);
    expect(colourEnabled({ isTTY: true }, { TERM: "dumb" })).toBe(false);
    expect(colourEnabled({ isTTY: false }, {})).toBe(false);
    expect(stripAnsi("\u001b[32m✓\u001b[39m")).toBe("✓");
  });
});

describe("status --live", () => {
  it("names the last decision in words, not the loop's identifiers", () => {
    const state: CurrentTaskState = {
      task_id: "0123456789",
      description: "Write a.txt",
      status: "completed",
      phase: "complete",
      iteration: 3,
      max_iterations: 3,
      current_score: 0.6,
      best_score: 0.62,
      cost_usd: 0.01,
      tokens_used: 100,
      started_at: "2026-01-01T00:00:00Z",
      elapsed_secs: 4,
      last_decision: "accept_best",
      tool_calls: [],
      updated_at: "2026-01-01T00:00:04Z",
    };
    const screen = renderLive(state, [], "state file");
    expect(screen).toContain("Decision: no attempt reached the threshold in the iterations allowed; the best one is kept");
    expect(screen).not.toContain("accept_best");
    expect(renderLive({ ...state, last_decision: "pending" }, [], "state file")).toContain("Decision: pending");
  });
});

describe("score colours", () => {
  const view = { paint: createPaint(true), threshold: 0.8, evaluated: true };
  const evalDone = (score: number) =>
    formatProgress(
      { type: "eval.done", iteration: 1, score, dimensions: [], findings: [], evaluator: "general", incremental: false, taskId: "t", seq: 1, at: "" },
      view,
    );

  it("green at or above the threshold, yellow within 0.2 below it, red further down", () => {
    expect(evalDone(0.8)).toContain("\u001b[32m0.80\u001b[39m");
    expect(evalDone(0.65)).toContain("\u001b[33m0.65\u001b[39m");
    expect(evalDone(0.55)).toContain("\u001b[31m0.55\u001b[39m");
    expect(stripAnsi(evalDone(0.55) ?? "")).toBe("[EVAL]  → score 0.55");
  });
});
