/** What a user sees while a task runs: a spinner with elapsed time and colours on a terminal, plain lines otherwise. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ModelFake, startOpenAIFake } from "../fakes/openai-fake.js";
import { cleanEnv, runCli, tempDir } from "../helpers/cli.js";
import { runInPty } from "../helpers/pty.js";
import { loopScript } from "../helpers/scripted-model.js";

const ESC = "\u001b";
const FRAMES = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/g;

const scores = (value: number) => (_n: number, dims: string[]) => ({ scores: Object.fromEntries(dims.map((d) => [d, value])) });
const writes = (name: string) => () => ({ toolCalls: [{ name: "write_file", input: { path: name, content: `${Math.random()}` } }] });

describe("progress on a terminal and off it", () => {
  let fake: ModelFake;
  let env: Record<string, string>;
  beforeAll(async () => {
    fake = await startOpenAIFake();
    env = cleanEnv({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: fake.baseURL });
  });
  afterAll(() => fake.close());

  /** Holds every model call until the terminal has shown the spinner turn (two different frames), then lets the task finish. */
  async function runHeld(extraEnv: Record<string, string>) {
    fake.respondWith(loopScript({ execute: writes("a.txt"), judge: scores(9) }));
    let release: () => void = () => {};
    fake.setGate(new Promise<void>((resolve) => (release = resolve)));
    const open = () => {
      fake.setGate(undefined);
      release();
    };
    try {
      return await runInPty(["Write a.txt", "-m", "openai/gpt-4.1"], {
        env: { ...env, ...extraEnv },
        cwd: tempDir("ws"),
        timeoutMs: 15_000,
        onOutput: (screen) => {
          if (new Set(screen.match(FRAMES)).size >= 2) open();
        },
      });
    } finally {
      open(); // a run that never showed a spinner must not leave the fake holding later tests
    }
  }

  it("on a TTY: a spinner that says what is happening and the elapsed time, then coloured results", async () => {
    const { code, screen } = await runHeld({});
    expect(code).toBe(0);
    // The spinner line: a frame, what is happening, the seconds since the task began — redrawn in place.
    expect(screen).toMatch(new RegExp(`\\r${ESC}\\[2K[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] planning ${ESC}\\[2m· \\d+\\.\\ds`));
    expect(new Set(screen.match(FRAMES)).size).toBeGreaterThanOrEqual(2);
    expect(screen).toMatch(/iteration 1\/3 · write_file/);
    // Colours: cyan tags, a green score at the threshold, a green "Done".
    expect(screen).toContain(`${ESC}[36m[EXEC]${ESC}[39m iteration 1/3`);
    expect(screen).toMatch(new RegExp(`→ score ${ESC}\\[32m0\\.90${ESC}\\[39m`));
    expect(screen).toContain(`${ESC}[32m✓ Done.${ESC}[39m 1 iteration. 1 file changed. ${ESC}[32mScore 0.90.${ESC}[39m`);
    // The spinner line is erased before the result, and nothing is drawn after it.
    const tail = screen.slice(screen.lastIndexOf("[COST]"));
    expect(tail).not.toMatch(FRAMES);
  });

  it("NO_COLOR turns the colours off, not the spinner", async () => {
    const { code, screen } = await runHeld({ NO_COLOR: "1" });
    expect(code).toBe(0);
    expect(screen).not.toMatch(new RegExp(`${ESC}\\[\\d+m`));
    expect(screen).toMatch(new RegExp(`\\r${ESC}\\[2K[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] planning · \\d+\\.\\ds`));
    expect(screen).toContain("✓ Done. 1 iteration. 1 file changed. Score 0.90.");
  });

  it("not a TTY: plain lines, no escapes and no spinner", async () => {
    fake.respondWith(loopScript({ execute: writes("a.txt"), judge: scores(9) }));
    const result = await runCli(["Write a.txt", "-m", "openai/gpt-4.1"], { env, cwd: tempDir("ws") });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain(ESC);
    expect(result.stderr).not.toContain("\r");
    expect(result.stderr).not.toMatch(FRAMES);
    expect(result.stderr).toContain("✓ Done. 1 iteration. 1 file changed. Score 0.90.");
  });

  it("-i 0 says 'not evaluated' instead of a score of 0", async () => {
    fake.respondWith(loopScript({ execute: writes("once.txt"), judge: scores(9) }));
    const result = await runCli(["Write once.txt", "-i", "0", "-m", "openai/gpt-4.1"], { env, cwd: tempDir("ws") });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("✓ Done. Not evaluated (-i 0). 1 file changed.");
    expect(result.stderr).not.toContain("Score");
  });

  it("below the threshold: plain words for why it stopped, never the loop's internal decision names", async () => {
    fake.respondWith(loopScript({ execute: writes("a.txt"), judge: scores(4) }));
    const result = await runCli(["Write a.txt", "-i", "2", "-m", "openai/gpt-4.1"], { env, cwd: tempDir("ws") });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      "! Done below the quality threshold (0.80). 2 iterations. 1 file changed. Score 0.40. No attempt reached the threshold in the iterations allowed; the best one is kept.",
    );
    expect(result.stderr).not.toMatch(/accept_best|abort_|skip_eval/);
  });
});
