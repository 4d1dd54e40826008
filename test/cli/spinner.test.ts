import { describe, expect, it } from "vitest";
import { colourEnabled, stripAnsi } from "../../src/cli/ansi.js";
import { createSpinner, type Ticker } from "../../src/cli/spinner.js";

function manualTicker() {
  const ticks: Array<() => void> = [];
  let cancelled = 0;
  const ticker: Ticker = {
    every(_ms, tick) {
      ticks.push(tick);
      return () => void cancelled++;
    },
  };
  return { ticker, tick: () => ticks.forEach((t) => t()), cancelled: () => cancelled };
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
