import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ModelFake, startOpenAIFake } from "../fakes/openai-fake.js";
import { cleanEnv, runCli, tempDir } from "../helpers/cli.js";
import { loopScript } from "../helpers/scripted-model.js";

describe('openkoi "task" — the whole loop through the built CLI', () => {
  let fake: ModelFake;
  beforeAll(async () => {
    fake = await startOpenAIFake();
  });
  afterAll(() => fake.close());

  it("plans, writes a file through a tool, scores below the threshold, refines, passes", async () => {
    const workspace = tempDir("ws");
    fake.respondWith(
      loopScript({
        plan: { steps: ["Create greet.js exporting greet()"], files: ["greet.js"] },
        execute: (i) => ({
          toolCalls: [
            {
              name: "write_file",
              input: { path: "greet.js", content: i === 0 ? "export const greet = () => 'hi';\n" : "export const greet = (name) => `Hello, $" + "{name}!`;\n" },
            },
          ],
        }),
        judge: (n, dims) => ({
          scores: Object.fromEntries(dims.map((d) => [d, n === 0 ? 5 : 9.2])),
          findings:
            n === 0
              ? [{ severity: "blocker", dimension: dims[0], title: "greet ignores the name", description: "It always says hi", fix: "Take a name argument" }]
              : [],
        }),
      }),
    );
    const env = cleanEnv({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: fake.baseURL });
    const result = await runCli(["Write a greet function that greets by name", "-i", "3", "--quality", "0.8", "-m", "openai/gpt-4.1"], { env, cwd: workspace });

    expect(result.stderr).toContain("[PLAN] 1 step(s)");
    expect(result.stderr).toContain("[EXEC] iteration 1/3");
    expect(result.stderr).toMatch(/→ write_file\(greet\.js\)/);
    expect(result.stderr).toMatch(/\[EVAL\] .*=5\.0/);
    expect(result.stderr).toContain("[REFN] [BLOCKER] greet ignores the name: Take a name argument");
    expect(result.stderr).toMatch(/\[EVAL\] .*=9\.2/);
    expect(result.stderr).toContain("✓ Done. 2 iterations. 1 file changed.");
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe("Done: made the change.");
    expect(readFileSync(join(workspace, "greet.js"), "utf8")).toContain("Hello, $" + "{name}!");

    const home = env.OPENKOI_HOME as string;
    const db = new Database(join(home, "data", "openkoi.db"), { readonly: true });
    const task = db.prepare("SELECT * FROM tasks").get() as Record<string, unknown>;
    expect(task.status).toBe("completed");
    expect(task.iterations).toBe(2);
    expect(Number(task.score)).toBeCloseTo(0.92, 2);
    const iterations = db.prepare("SELECT iteration, score, decision FROM task_iterations ORDER BY iteration").all();
    expect(iterations).toMatchObject([
      { iteration: 1, decision: "continue" },
      { iteration: 2, decision: "accept" },
    ]);
    const findings = db.prepare("SELECT title, severity FROM findings").all();
    expect(findings).toEqual([{ title: "greet ignores the name", severity: "blocker" }]);
    const usage = db.prepare("SELECT COUNT(*) AS n FROM usage").get() as { n: number };
    expect(usage.n).toBe(fake.chats().length);
    db.close();

    const state = JSON.parse(readFileSync(join(home, "state", "current-task.json"), "utf8"));
    expect(state).toMatchObject({ status: "completed", iteration: 2, max_iterations: 3, last_decision: "accept" });
    expect(state.tool_calls).toContain("write_file");
    const history = readFileSync(join(home, "state", "task-history.jsonl"), "utf8")
      .trim()
      .split("\n");
    expect(history).toHaveLength(1);
    expect(JSON.parse(history[0] as string)).toMatchObject({ status: "completed", iterations: 2 });
  });

  it("exits 3 when the budget of iterations ends below the threshold, and --quiet prints only the result", async () => {
    const workspace = tempDir("ws");
    fake.respondWith(
      loopScript({
        execute: () => ({ toolCalls: [{ name: "write_file", input: { path: "a.txt", content: `${Math.random()}` } }] }),
        judge: (_n, dims) => ({ scores: Object.fromEntries(dims.map((d) => [d, 4])) }),
      }),
    );
    const env = cleanEnv({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: fake.baseURL });
    const result = await runCli(["Write a.txt", "-i", "2", "--quiet", "-m", "openai/gpt-4.1"], { env, cwd: workspace });
    expect(result.code).toBe(3);
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("Done: made the change.");
  });

  it("-i 0 executes once without evaluation", async () => {
    const workspace = tempDir("ws");
    fake.respondWith(
      loopScript({ execute: () => ({ toolCalls: [{ name: "write_file", input: { path: "once.txt", content: "x" } }] }), judge: () => ({ scores: {} }) }),
    );
    const before = fake.chats().length;
    const env = cleanEnv({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: fake.baseURL });
    const result = await runCli(["Write once.txt", "-i", "0", "-m", "openai/gpt-4.1"], { env, cwd: workspace });
    expect(result.code).toBe(0);
    const sent = fake.chats().slice(before);
    expect(sent.some((b) => JSON.stringify(b.tool_choice ?? "").includes("submit_evaluation"))).toBe(false);
    expect(existsSync(join(workspace, "once.txt"))).toBe(true);
  });
});

describe("CLI usage and configuration errors", () => {
  it("names the environment variables to set when no credentials exist", async () => {
    const result = await runCli(["do something"], { env: cleanEnv({}), cwd: tempDir("ws") });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("ANTHROPIC_API_KEY");
    expect(result.stderr).toContain("OPENAI_API_KEY");
  });

  it("prints path: message per problem and exits 2 on an invalid config", async () => {
    const env = cleanEnv({});
    const { mkdirSync, writeFileSync } = await import("node:fs");
    mkdirSync(env.OPENKOI_HOME as string, { recursive: true });
    writeFileSync(
      join(env.OPENKOI_HOME as string, "config.toml"),
      '[iteration]\nmax_iterations = 99\nquality_threshold = "high"\n[api]\ntoken = "{env:NOPE_TOKEN}"\n',
    );
    const result = await runCli(["do something"], { env, cwd: tempDir("ws") });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("iteration.max_iterations:");
    expect(result.stderr).toContain("iteration.quality_threshold:");
    expect(result.stderr).toContain("api.token: environment variable NOPE_TOKEN is not set");
  });

  it("an unknown model fails with did-you-mean suggestions; a task can come from stdin", async () => {
    const fake = await startOpenAIFake();
    try {
      const env = cleanEnv({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: fake.baseURL });
      const typo = await runCli(["do something", "-m", "openai/gpt-4.1-mnii"], { env, cwd: tempDir("ws") });
      expect(typo.code).toBe(2);
      expect(typo.stderr).toMatch(/Model 'gpt-4\.1-mnii' not found .*Did you mean: .*gpt-4\.1-mini/);
      fake.respondWith(
        loopScript({ execute: () => ({ text: "ok" }), judge: (_n, dims) => ({ scores: Object.fromEntries(dims.map((d) => [d, 9])) }), summary: "ok" }),
      );
      const piped = await runCli(["-m", "openai/gpt-4.1", "--quiet"], { env, cwd: tempDir("ws"), input: "summarise README.md from stdin\n" });
      expect(piped.code).toBe(0);
      expect(JSON.stringify(fake.chats())).toContain("summarise README.md from stdin");
    } finally {
      await fake.close();
    }
  });

  it("--config points at another config file", async () => {
    const { writeFileSync } = await import("node:fs");
    const file = join(tempDir("cfg"), "other.toml");
    writeFileSync(file, "[iteration]\nmax_iterations = 42\n");
    const result = await runCli(["do something", "--config", file], { env: cleanEnv({}), cwd: tempDir("ws") });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("iteration.max_iterations:");
  });

  it("rejects a bad flag value with exit 2", async () => {
    const result = await runCli(["do the task", "--quality", "2"], { env: cleanEnv({}), cwd: tempDir("ws") });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--quality must be a number from 0 to 1");
  });

  it("prints the version and help without loading anything else", async () => {
    const version = await runCli(["--version"], { env: cleanEnv({}) });
    expect(version.stdout).toMatch(/^openkoi \d+\.\d+\.\d+/);
    const help = await runCli(["--help"], { env: cleanEnv({}) });
    expect(help.stdout).toContain("Exit codes: 0 threshold reached");
  });
});
