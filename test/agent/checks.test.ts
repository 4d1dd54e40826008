import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { detectLintCommand, detectTestCommand, runLint, runTests } from "../../src/agent/checks.js";
import { CancelledError } from "../../src/core/errors.js";
import { directRunner, runCommand } from "../../src/sandbox/process.js";
import { waitFor } from "../fakes/http.js";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "openkoi-checks-"));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): void {
  mkdirSync(dirname(join(dir, name)), { recursive: true });
  writeFileSync(join(dir, name), text);
}

function packageWithTest(script: string): void {
  write("package.json", JSON.stringify({ name: "fixture", private: true, scripts: { test: script } }));
}

/** Alive and not a zombie (a zombie is dead but not yet reaped by its new parent). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

// Starts a sleeper in the background, records its pid, then waits forever (until killed).
const HANG = "sleep 30 &\necho $! > sleeper.pid\nwait\n";

function sleeperPid(): number | undefined {
  const file = join(dir, "sleeper.pid");
  return (existsSync(file) && Number(readFileSync(file, "utf8").trim())) || undefined;
}

const PASSING = 'import { test } from "node:test";\nimport assert from "node:assert";\ntest("adds numbers", () => assert.equal(1 + 1, 2));\n';
const FAILING = 'import { test } from "node:test";\nimport assert from "node:assert";\ntest("subtracts numbers", () => assert.equal(2 - 1, 5));\n';

describe("detectTestCommand", () => {
  it("follows the marker order: Cargo, go, python, then package.json with a test script", () => {
    expect(detectTestCommand(dir)).toBeUndefined();
    write("package.json", JSON.stringify({ scripts: { build: "tsc" } }));
    expect(detectTestCommand(dir)).toBeUndefined();
    packageWithTest('echo "Error: no test specified" && exit 1');
    expect(detectTestCommand(dir)).toBeUndefined();
    packageWithTest("vitest run");
    expect(detectTestCommand(dir)).toBe("npm test --silent");
    write("pytest.ini", "[pytest]\n");
    expect(detectTestCommand(dir)).toBe("pytest -q");
    write("go.mod", "module example.com/m\n");
    expect(detectTestCommand(dir)).toBe("go test -v ./...");
    write("Cargo.toml", '[package]\nname = "m"\n');
    expect(detectTestCommand(dir)).toBe("cargo test");
  });

  it("ignores an unreadable package.json", () => {
    write("package.json", "{ not json");
    expect(detectTestCommand(dir)).toBeUndefined();
  });
});

describe("runTests", () => {
  it("scores a node --test project with one passing and one failing test at 0.5", async () => {
    write("a.test.mjs", PASSING);
    write("b.test.mjs", FAILING);
    packageWithTest("node --test a.test.mjs b.test.mjs");
    const result = await runTests(dir, { run: runCommand, timeoutMs: 15_000 });
    expect(result?.dimension).toEqual({ dimension: "tests", score: 0.5, weight: 0.3 });
    expect(result?.passed).toBe(false);
    expect(result?.findings).toHaveLength(1);
    expect(result?.findings[0]).toMatchObject({ id: "T1", severity: "blocker", dimension: "tests", title: "Test failed: subtracts numbers" });
    expect(result?.findings[0]?.description).toContain("1 == 5");
    expect(result?.summary).toBe("npm test --silent: 1 passed, 1 failed (exit 1)");
  });

  it("scores an all-passing project at 1 with no findings", async () => {
    write("a.test.mjs", PASSING);
    packageWithTest("node --test a.test.mjs");
    const result = await runTests(dir, { run: runCommand, timeoutMs: 15_000 });
    expect(result).toMatchObject({ dimension: { score: 1 }, passed: true, findings: [] });
  });

  it("reads vitest-shaped output from any test script", async () => {
    write(
      "fake-vitest.sh",
      "printf ' FAIL  src/a.test.ts > math > divides by zero\\nAssertionError: expected Infinity to be 0\\n'\nprintf '      Tests  1 failed | 3 passed (4)\\n'\nexit 1\n",
    );
    packageWithTest("sh fake-vitest.sh");
    const result = await runTests(dir, { run: runCommand, timeoutMs: 15_000 });
    expect(result?.dimension.score).toBe(0.75);
    expect(result?.findings.map((f) => f.title)).toEqual(["Test failed: src/a.test.ts > math > divides by zero"]);
    expect(result?.findings[0]?.description).toContain("expected Infinity to be 0");
  });

  it("without recognisable counts: a failing exit scores 0 with a blocker quoting the output", async () => {
    write("t.sh", "echo 'compiling…'\necho 'fatal: cannot find module ./db'\nexit 3\n");
    packageWithTest("sh t.sh");
    const result = await runTests(dir, { run: runCommand, timeoutMs: 15_000 });
    expect(result).toMatchObject({ dimension: { score: 0 }, passed: false });
    expect(result?.findings).toEqual([expect.objectContaining({ id: "T1", severity: "blocker", title: "Test command failed (exit 3)" })]);
    expect(result?.findings[0]?.description).toContain("fatal: cannot find module ./db");
  });

  it("without recognisable counts: a clean exit scores 1", async () => {
    packageWithTest("echo all good");
    expect(await runTests(dir, { run: runCommand, timeoutMs: 15_000 })).toMatchObject({ dimension: { score: 1 }, passed: true, findings: [] });
  });

  it("returns undefined when there is no test setup", async () => {
    expect(await runTests(dir, { run: runCommand })).toBeUndefined();
  });

  it("abort kills the whole process group quickly and rejects with CancelledError", async () => {
    write("hang.sh", HANG);
    packageWithTest("sh hang.sh");
    const controller = new AbortController();
    const running = runTests(dir, { run: runCommand, signal: controller.signal, timeoutMs: 30_000 });
    const pid = await waitFor(sleeperPid, 10_000, "the test command to start its sleeper");
    expect(alive(pid)).toBe(true);
    const abortedAt = Date.now();
    controller.abort();
    await expect(running).rejects.toBeInstanceOf(CancelledError);
    expect(Date.now() - abortedAt).toBeLessThan(500);
    await waitFor(() => !alive(pid), 3_000, "the sleeper (a grandchild) to be killed");
  });

  it("rejects at once when already aborted, without starting anything", async () => {
    write("hang.sh", HANG);
    packageWithTest("sh hang.sh");
    await expect(runTests(dir, { run: runCommand, signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CancelledError);
    expect(sleeperPid()).toBeUndefined();
  });
});

describe("runCommand", () => {
  it("a timeout kills the process group and reports timedOut", async () => {
    write("hang.sh", HANG);
    const result = await runCommand("sh hang.sh", dir, { timeoutMs: 600 });
    expect(result.timedOut).toBe(true);
    const pid = sleeperPid();
    expect(pid).toBeDefined();
    await waitFor(() => pid !== undefined && !alive(pid), 3_000, "the sleeper to be killed");
  });

  it("passes CI=true and a sanitised environment", async () => {
    process.env.OPENKOI_CHECKS_TEST_SECRET = "s3cret";
    try {
      const result = await runCommand('echo "ci=$CI secret=$OPENKOI_CHECKS_TEST_SECRET."', dir, { timeoutMs: 5_000 });
      expect(result.output.trim()).toBe("ci=true secret=.");
    } finally {
      delete process.env.OPENKOI_CHECKS_TEST_SECRET;
    }
    const custom = await directRunner({ X: "1", PATH: process.env.PATH ?? "" })('echo "x=$X"', dir, { timeoutMs: 5_000 });
    expect(custom.output.trim()).toBe("x=1");
  });

  it("does not wait for a background child that keeps the pipes open", async () => {
    const started = Date.now();
    const result = await runCommand("sleep 5 & echo started", dir, { timeoutMs: 10_000 });
    expect(result).toMatchObject({ exitCode: 0, timedOut: false });
    expect(result.output).toContain("started");
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe("runLint", () => {
  it("a configured command printing 2 error lines and exiting 1 scores 0.8 with 2 important findings", async () => {
    const command = "printf 'src/a.ts:1:1: error: unused variable x\\nsrc/b.ts:4:2: error: missing return type\\n'; exit 1";
    const result = await runLint(dir, command, { run: runCommand, timeoutMs: 5_000 });
    expect(result?.dimension).toEqual({ dimension: "static_analysis", score: 0.8, weight: 0.2 });
    expect(result?.passed).toBe(false);
    expect(result?.findings).toEqual([
      expect.objectContaining({ id: "L1", severity: "important", dimension: "static_analysis", title: "src/a.ts:1:1: error: unused variable x" }),
      expect.objectContaining({ id: "L2", severity: "important", title: "src/b.ts:4:2: error: missing return type" }),
    ]);
  });

  it("warnings cost 0.03 each and become suggestions; the penalty is capped at 0.8", async () => {
    const some = await runLint(dir, "echo 'a.js:1:1: error: x'; echo 'a.js:2:1: warning: y'; echo 'a.js:3:1: warning: z'; exit 1", {
      run: runCommand,
      timeoutMs: 5_000,
    });
    expect(some?.dimension.score).toBe(0.84);
    expect(some?.findings.map((f) => f.severity)).toEqual(["important", "suggestion", "suggestion"]);
    const many = await runLint(dir, 'for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo "a.js:$i:1: error: e$i"; done; exit 1', {
      run: runCommand,
      timeoutMs: 5_000,
    });
    expect(many?.dimension.score).toBe(0.2);
  });

  it("a clean exit scores 1", async () => {
    expect(await runLint(dir, "echo 'All checks passed!'", { run: runCommand, timeoutMs: 5_000 })).toMatchObject({
      dimension: { score: 1 },
      passed: true,
      findings: [],
    });
  });

  it("a configured command that cannot run scores 0 and points at the setting", async () => {
    const result = await runLint(dir, "no-such-linter-xyz .", { run: runCommand, timeoutMs: 5_000 });
    expect(result?.dimension.score).toBe(0);
    expect(result?.findings[0]?.title).toContain("check evaluation.lint_command");
  });

  it("without configuration or a linter config file there is nothing to score", async () => {
    expect(detectLintCommand(dir)).toBeUndefined();
    expect(await runLint(dir, undefined, { run: runCommand })).toBeUndefined();
  });

  it("an auto-detected linter that is not installed is skipped, not scored", async () => {
    write("pyproject.toml", '[project]\nname = "x"\n');
    expect(detectLintCommand(dir)).toBe("ruff check --output-format=concise .");
    const emptyBin = join(dir, "bin");
    mkdirSync(emptyBin);
    expect(await runLint(dir, undefined, { run: directRunner({ PATH: emptyBin }), timeoutMs: 5_000 })).toBeUndefined();
  });

  it("auto-detects biome from biome.json and scores its real diagnostics", async () => {
    symlinkSync(resolve("node_modules"), join(dir, "node_modules"), "dir");
    write("biome.json", "{}");
    write("src/a.js", "debugger;\nlet x = 1;\nif (x == 2) {}\n");
    expect(detectLintCommand(dir)).toBe("npx --no-install biome lint --reporter=github .");
    const result = await runLint(dir, undefined, { run: runCommand, timeoutMs: 15_000 });
    expect(result?.dimension.score).toBe(0.77);
    expect(result?.findings.map((f) => [f.severity, f.title.replace(dir, "")])).toEqual([
      ["important", "/src/a.js:1 lint/suspicious/noDebugger: This is an unexpected use of the debugger statement."],
      ["important", "/src/a.js:3 lint/suspicious/noDoubleEquals: Using == may be unsafe if you are relying on type coercion."],
      ["suggestion", "/src/a.js:2 lint/style/useConst: This let declares a variable that is only assigned once."],
    ]);
  });
});
