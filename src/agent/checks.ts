/** The project's own checks (its test suite and linter) as evaluation dimensions, run as real child processes. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { CommandResult, RunCommand } from "../core/command.js";
import type { DimensionScore, Finding, Severity } from "../core/events.js";
import { type LintIssue, outputLines, parseLintOutput, parseTestOutput, type TestCounts, tail } from "./check-parse.js";

const DEFAULT_TIMEOUT_MS = 120_000;
const MAX_FINDINGS = 20;

export interface CheckOptions {
  /** Where the command runs (the task's sandbox, or the host): the hub decides. */
  run: RunCommand;
  signal?: AbortSignal;
  /** Default 120 s (evaluation.test_timeout_seconds). */
  timeoutMs?: number;
}

export interface CheckResult {
  dimension: DimensionScore;
  findings: Finding[];
  passed: boolean;
  summary: string;
  command: string;
}

function notRunnable(run: CommandResult): string | undefined {
  if (run.spawnError) return run.spawnError;
  if (run.exitCode === 127 || run.exitCode === 126) return tail(run.output, 3) || `exit ${run.exitCode}`;
  if (/could not determine executable to run|npx canceled due to missing packages/i.test(run.output)) return tail(run.output, 3);
  return undefined;
}

// ---------- tests ----------

function readTestScript(workspace: string): string | undefined {
  try {
    const pkg: unknown = JSON.parse(readFileSync(join(workspace, "package.json"), "utf8"));
    if (typeof pkg !== "object" || pkg === null || !("scripts" in pkg)) return undefined;
    const scripts = pkg.scripts;
    if (typeof scripts !== "object" || scripts === null || !("test" in scripts)) return undefined;
    return typeof scripts.test === "string" ? scripts.test : undefined;
  } catch {
    return undefined;
  }
}

/** The first project marker wins, in upstream's order. `go test -v` so per-test results can be counted. */
export function detectTestCommand(workspace: string): string | undefined {
  const has = (name: string) => existsSync(join(workspace, name));
  if (has("Cargo.toml")) return "cargo test";
  if (has("go.mod")) return "go test -v ./...";
  if (has("pyproject.toml") || has("pytest.ini")) return "pytest -q";
  const script = has("package.json") ? readTestScript(workspace)?.trim() : undefined;
  // `npm init` writes a placeholder that always fails; it is not a test suite.
  if (script && !script.includes("no test specified")) return "npm test --silent";
  return undefined;
}

function finding(id: string, severity: Severity, dimension: string, title: string, description: string): Finding {
  return { id, severity, dimension, title: title.slice(0, 200), description };
}

function testFindings(counts: TestCounts, lines: string[], command: string): Finding[] {
  const findings: Finding[] = [];
  for (let index = 0; index < Math.min(counts.failed, MAX_FINDINGS); index += 1) {
    const failure = counts.failures[index];
    const id = `T${index + 1}`;
    if (!failure) {
      findings.push(
        finding(id, "blocker", "tests", `Test failed: #${index + 1} (unnamed)`, `\`${command}\` reported ${counts.failed} failing tests; see its output.`),
      );
      continue;
    }
    const context = lines
      .slice(failure.line + 1, failure.line + 9)
      .join("\n")
      .trim()
      .slice(0, 800);
    findings.push(finding(id, "blocker", "tests", `Test failed: ${failure.name}`, context || `\`${command}\` reported this test as failing.`));
  }
  if (counts.failed > MAX_FINDINGS) {
    findings.push(
      finding(`T${MAX_FINDINGS + 1}`, "blocker", "tests", `${counts.failed - MAX_FINDINGS} more tests failed`, `Run \`${command}\` to see them all.`),
    );
  }
  return findings;
}

function testResult(command: string, score: number, passed: boolean, summary: string, findings: Finding[]): CheckResult {
  return { dimension: { dimension: "tests", score, weight: 0.3 }, findings, passed, summary, command };
}

function failedRun(command: string, title: string, run: CommandResult): CheckResult {
  const summary = `${command}: ${title}`;
  return testResult(command, 0, false, summary, [finding("T1", "blocker", "tests", title, tail(run.output) || summary)]);
}

/** Scores a finished test run: passed/total, with one blocker per failing test. */
export function scoreTestRun(command: string, run: CommandResult, timeoutMs = DEFAULT_TIMEOUT_MS): CheckResult {
  const broken = notRunnable(run);
  if (broken) return failedRun(command, `Could not run the tests (${broken.split("\n").pop()})`, run);
  if (run.timedOut) return failedRun(command, `Tests timed out after ${Math.round(timeoutMs / 1000)}s`, run);
  const counts = parseTestOutput(run.output);
  const exited = `exit ${run.exitCode}`;
  if (!counts || counts.passed + counts.failed === 0) {
    if (run.exitCode === 0) return testResult(command, 1, true, `${command}: passed (${counts ? "no tests" : exited})`, []);
    return failedRun(command, `Test command failed (${exited})`, run);
  }
  const summary = `${command}: ${counts.passed} passed, ${counts.failed} failed (${exited})`;
  if (counts.failed === 0 && run.exitCode !== 0) return failedRun(command, `Test command failed (${exited}) with no failing test reported`, run);
  const lines = outputLines(run.output);
  const score = counts.passed / (counts.passed + counts.failed);
  return testResult(command, score, run.exitCode === 0 && counts.failed === 0, summary, testFindings(counts, lines, command));
}

/** Runs the detected test command; undefined when the workspace has no recognised test setup. */
export async function runTests(workspace: string, options: CheckOptions): Promise<CheckResult | undefined> {
  const command = detectTestCommand(workspace);
  if (!command) return undefined;
  const run = await options.run(command, workspace, options);
  return scoreTestRun(command, run, options.timeoutMs);
}

// ---------- lint ----------

const ESLINT_CONFIGS = [
  "eslint.config.js",
  "eslint.config.mjs",
  "eslint.config.cjs",
  "eslint.config.ts",
  "eslint.config.mts",
  "eslint.config.cts",
  ".eslintrc",
  ".eslintrc.js",
  ".eslintrc.cjs",
  ".eslintrc.json",
  ".eslintrc.yml",
  ".eslintrc.yaml",
];

/** eslint keeps its default (stylish) format: `compact` left core ESLint in v9. Biome reports as GitHub annotations. */
export function detectLintCommand(workspace: string): string | undefined {
  const has = (name: string) => existsSync(join(workspace, name));
  if (ESLINT_CONFIGS.some(has)) return "npx --no-install eslint .";
  if (has("biome.json") || has("biome.jsonc")) return "npx --no-install biome lint --reporter=github .";
  if (has("pyproject.toml") || has("ruff.toml") || has(".ruff.toml")) return "ruff check --output-format=concise .";
  return undefined;
}

function lintResult(command: string, score: number, findings: Finding[], summary: string): CheckResult {
  const rounded = Math.round(score * 1000) / 1000;
  return { dimension: { dimension: "static_analysis", score: rounded, weight: 0.2 }, findings, passed: rounded === 1, summary, command };
}

function lintFindings(issues: LintIssue[], command: string): Finding[] {
  // Errors first, so a long warning list cannot crowd them out of the cap.
  const ordered = [...issues.filter((i) => i.severity === "error"), ...issues.filter((i) => i.severity === "warning")];
  return ordered.slice(0, MAX_FINDINGS).map((issue, index) => {
    const severity: Severity = issue.severity === "error" ? "important" : "suggestion";
    return finding(`L${index + 1}`, severity, "static_analysis", issue.text, `Reported by \`${command}\` (${issue.severity}).`);
  });
}

/** Scores a finished lint run: clean exit → 1.0, else 1 − min(0.8, 0.1·errors + 0.03·warnings). */
export function scoreLintRun(command: string, run: CommandResult, timeoutMs = DEFAULT_TIMEOUT_MS): CheckResult {
  const broken = notRunnable(run);
  if (broken) {
    const title = `Lint command could not run: check evaluation.lint_command (${broken.split("\n").pop()})`;
    return lintResult(command, 0, [finding("L1", "important", "static_analysis", title, tail(run.output) || title)], `${command}: could not run`);
  }
  if (run.timedOut) {
    const title = `Lint timed out after ${Math.round(timeoutMs / 1000)}s`;
    return lintResult(command, 0, [finding("L1", "important", "static_analysis", title, tail(run.output) || title)], `${command}: ${title}`);
  }
  const issues = parseLintOutput(run.output);
  if (run.exitCode === 0) {
    const warnings = issues.filter((issue) => issue.severity === "warning");
    return lintResult(command, 1, lintFindings(warnings, command), `${command}: clean (${warnings.length} warnings)`);
  }
  const errors = issues.filter((issue) => issue.severity === "error").length;
  const warnings = issues.length - errors;
  if (issues.length === 0) {
    const title = `Lint failed (exit ${run.exitCode})`;
    return lintResult(command, 0.9, [finding("L1", "important", "static_analysis", title, tail(run.output) || title)], `${command}: ${title}`);
  }
  const score = 1 - Math.min(0.8, 0.1 * errors + 0.03 * warnings);
  return lintResult(command, score, lintFindings(issues, command), `${command}: ${errors} errors, ${warnings} warnings (exit ${run.exitCode})`);
}

/**
 * Runs the configured lint command, else an auto-detected one. Undefined when there is nothing to run,
 * or when an auto-detected linter is not installed (that is the environment's gap, not the output's).
 */
export async function runLint(workspace: string, command: string | undefined, options: CheckOptions): Promise<CheckResult | undefined> {
  const configured = command?.trim();
  const chosen = configured || detectLintCommand(workspace);
  if (!chosen) return undefined;
  const run = await options.run(chosen, workspace, options);
  if (!configured && notRunnable(run)) return undefined;
  return scoreLintRun(chosen, run, options.timeoutMs);
}
