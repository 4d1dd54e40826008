/** Pure parsers for the project checks: pass/fail counts from test runners' output, issues from linters' output. */

export function stripAnsi(text: string): string {
  const esc = String.fromCharCode(27);
  return text.replace(new RegExp(`${esc}\\[[0-9;?]*[A-Za-z]`, "g"), "");
}

export function outputLines(output: string): string[] {
  return stripAnsi(output).split(/\r?\n/);
}

/** The last lines of output, for findings that quote it. */
export function tail(output: string, lines = 15): string {
  const text = outputLines(output.trimEnd()).slice(-lines).join("\n");
  return text.length > 1500 ? text.slice(-1500) : text;
}

export interface TestFailure {
  name: string;
  /** Index of the output line that named it (for context). */
  line: number;
}

export interface TestCounts {
  runner: string;
  passed: number;
  failed: number;
  failures: TestFailure[];
}

function collect(lines: string[], pattern: RegExp, from = 0, keep: (index: number) => boolean = () => true): TestFailure[] {
  const seen = new Map<string, TestFailure>();
  for (let index = from; index < lines.length; index += 1) {
    const name = pattern.exec(lines[index] ?? "")?.[1]?.trim();
    if (name && !seen.has(name) && keep(index)) seen.set(name, { name, line: index });
  }
  return [...seen.values()];
}

function count(text: string, word: string): number {
  return Number(new RegExp(`(\\d+) ${word}`).exec(text)?.[1] ?? 0);
}

function lastMatch(lines: string[], pattern: RegExp): string | undefined {
  return lines.findLast((line) => pattern.test(line));
}

type TestParser = (lines: string[]) => TestCounts | undefined;

const cargo: TestParser = (lines) => {
  const results = lines.filter((line) => /test result: \w+\. \d+ passed; \d+ failed/.test(line));
  if (results.length === 0) return undefined;
  const sum = (word: string) => results.reduce((total, line) => total + count(line, word), 0);
  return { runner: "cargo", passed: sum("passed"), failed: sum("failed"), failures: collect(lines, /^test (\S+) \.\.\. FAILED\s*$/) };
};

const vitest: TestParser = (lines) => {
  const line = lastMatch(lines, /^\s*Tests\s{2,}.*\d+ (passed|failed)/);
  if (!line) return undefined;
  return { runner: "vitest", passed: count(line, "passed"), failed: count(line, "failed"), failures: collect(lines, /^\s*FAIL\s+(.+ > .+)$/) };
};

const jest: TestParser = (lines) => {
  const line = lastMatch(lines, /^\s*Tests:\s+.*\d+ (passed|failed)/);
  if (!line) return undefined;
  const failures = collect(lines, /^\s*● (?!Console\b)(.+)$/);
  return { runner: "jest", passed: count(line, "passed"), failed: count(line, "failed"), failures };
};

const pytest: TestParser = (lines) => {
  const line = lastMatch(lines, /(\d+ (passed|failed|errors?)|no tests ran).* in [\d.]+s\b/);
  if (!line) return undefined;
  const failed = count(line, "failed") + count(line, "errors?");
  return { runner: "pytest", passed: count(line, "passed"), failed, failures: collect(lines, /^(?:FAILED|ERROR) (\S+)/) };
};

const mocha: TestParser = (lines) => {
  const passing = lastMatch(lines, /^\s*\d+ passing\b/);
  if (!passing) return undefined;
  const failingAt = lines.findIndex((line) => /^\s*\d+ failing\b/.test(line));
  const failures = failingAt < 0 ? [] : collect(lines, /^\s+\d+\) (.+)$/, failingAt);
  for (const failure of failures) {
    const next = /^\s+(.+):$/.exec(lines[failure.line + 1] ?? "")?.[1];
    if (next) failure.name = `${failure.name} ${next}`;
  }
  return { runner: "mocha", passed: count(passing, "passing"), failed: failingAt < 0 ? 0 : count(lines[failingAt] ?? "", "failing"), failures };
};

const nodeTest: TestParser = (lines) => {
  const pass = lastMatch(lines, /^[#ℹ] pass \d+$/);
  const fail = lastMatch(lines, /^[#ℹ] fail \d+$/);
  if (!pass || !fail) return undefined;
  // TAP marks a suite whose children failed with failureType 'subtestsFailed'; report the tests, not the suite.
  const isTest = (index: number) => {
    const block = lines.slice(index + 1, index + 40);
    const end = block.findIndex((line) => line.trim() === "...");
    return !block.slice(0, Math.max(end, 0)).some((line) => line.includes("subtestsFailed"));
  };
  const specAt = lines.findIndex((line) => /^✖ failing tests:/.test(line));
  const failures = specAt >= 0 ? collect(lines, /^✖ (.+?)(?: \([\d.]+m?s\))?$/, specAt + 1) : collect(lines, /^\s*not ok \d+ - (.+?)(?: # .*)?$/, 0, isTest);
  const trailing = (line: string) => Number(/(\d+)$/.exec(line)?.[1] ?? 0);
  return { runner: "node", passed: trailing(pass), failed: trailing(fail), failures };
};

const goTest: TestParser = (lines) => {
  const tests = lines.filter((line) => /^\s*--- (PASS|FAIL):/.test(line));
  if (tests.length > 0) {
    const failures = collect(lines, /^\s*--- FAIL: (\S+)/);
    return { runner: "go", passed: tests.length - failures.length, failed: failures.length, failures };
  }
  const ok = lines.filter((line) => /^ok\s+\S+/.test(line)).length;
  const failures = collect(lines, /^FAIL\s+(\S+)\s/);
  return ok + failures.length > 0 ? { runner: "go", passed: ok, failed: failures.length, failures } : undefined;
};

const PARSERS: TestParser[] = [cargo, vitest, jest, pytest, mocha, nodeTest, goTest];

/** Pass/fail counts from the common runners' output; undefined when no known shape is found. */
export function parseTestOutput(output: string): TestCounts | undefined {
  const lines = outputLines(output);
  for (const parser of PARSERS) {
    const counts = parser(lines);
    if (counts) return counts;
  }
  return undefined;
}

export interface LintIssue {
  severity: "error" | "warning";
  text: string;
}

// Summary and wrapper lines that mention "error" without being one.
const LINT_IGNORE = /^\s*(✖|Found \d|Checked \d|npm (error|ERR!|warn)\b)|\d+ problems?\b|fixable with/i;
// A bare word "error", GitHub annotations (biome --reporter=github), or a rule code after file:line:col (ruff, flake8).
const LINT_ERROR = /^::error\b|\berror\b|:\d+:\d+:? [A-Z]{1,4}\d{2,4}\b/i;
const LINT_WARNING = /^::warning\b|\bwarn(ing)?\b/i;
const GITHUB_ANNOTATION = /^::(?:error|warning|notice) (.*?)::(.*)$/;

function readable(line: string, currentFile: string | undefined): string {
  const annotation = GITHUB_ANNOTATION.exec(line);
  if (annotation) {
    const params = new Map((annotation[1] ?? "").split(",").map((pair) => pair.split("=", 2) as [string, string]));
    return `${params.get("file") ?? "?"}:${params.get("line") ?? "?"} ${params.get("title") ?? ""}: ${annotation[2] ?? ""}`;
  }
  // eslint's default (stylish) format puts the file on its own line above indented `line:col  error  message`.
  if (currentFile && /^\s+\d+:\d+\s/.test(line)) return `${currentFile}:${line.trim().replace(/\s{2,}/g, " ")}`;
  return line.trim();
}

/** Errors and warnings, one per diagnostic line, in the order printed. */
export function parseLintOutput(output: string): LintIssue[] {
  const issues: LintIssue[] = [];
  let currentFile: string | undefined;
  for (const line of outputLines(output)) {
    if (/^[^\s:]+\.[A-Za-z]{1,5}$/.test(line)) currentFile = line;
    if (!line.trim() || LINT_IGNORE.test(line)) continue;
    const severity = LINT_ERROR.test(line) ? "error" : LINT_WARNING.test(line) ? "warning" : undefined;
    if (severity) issues.push({ severity, text: readable(line, currentFile).slice(0, 300) });
  }
  return issues;
}
