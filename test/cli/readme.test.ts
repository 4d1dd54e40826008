/** The README's CLI block and progress sample are the program's truth: checked against the built CLI. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ModelFake, startOpenAIFake } from "../fakes/openai-fake.js";
import { cleanEnv, runCli, tempDir } from "../helpers/cli.js";
import { loopScript } from "../helpers/scripted-model.js";

const README = readFileSync(fileURLToPath(new URL("../../README.md", import.meta.url)), "utf8");

/** The first fenced block after `marker`. */
function blockAfter(marker: string): string[] {
  const from = README.indexOf(marker);
  expect(from, marker).toBeGreaterThan(-1);
  const open = README.indexOf("```\n", from) + 4;
  return README.slice(open, README.indexOf("\n```", open)).split("\n");
}

interface UsageLine {
  usage: string;
  command: string | undefined;
  flags: Array<{ flag: string; value?: string }>;
}

function parseUsage(line: string): UsageLine {
  const usage = line.split(/\s+#\s/)[0]?.trim() ?? "";
  const words = usage.split(/\s+/);
  const command = words[1]?.startsWith('"') || words[1]?.startsWith("-") ? undefined : words[1];
  const flags: UsageLine["flags"] = [];
  for (const match of usage.matchAll(/\[(-[^\]]+)\]|(?<![\w[-])(--?[a-z][\w-]*)/g)) {
    const [flag, value] = (match[1] ?? match[2] ?? "").split(/\s+/);
    if (flag) flags.push(value ? { flag, value } : { flag });
  }
  return { usage, command, flags };
}

describe("README: the CLI block", () => {
  const lines = blockAfter("## The CLI").map(parseUsage);
  const env = cleanEnv({});

  it("is parsed into commands and flags (a guard for the parser below)", () => {
    expect(lines.map((l) => l.command)).toEqual([
      undefined,
      "run",
      "chat",
      "status",
      "doctor",
      "serve",
      "daemon",
      "setup",
      "connect",
      "connect",
      "export",
      "digest",
      "digest",
      "help",
    ]);
    expect(lines[0]?.flags).toEqual([
      { flag: "-i", value: "N" },
      { flag: "-q", value: "X" },
      { flag: "-m", value: "provider/model" },
      { flag: "--quiet" },
      { flag: "--stdin" },
    ]);
  });

  it("every line appears verbatim in `openkoi --help`", async () => {
    const help = (await runCli(["--help"], { env })).stdout;
    for (const { usage } of lines) expect(help.split("\n"), usage).toContain(`  ${usage}`);
  });

  it("every command and flag of it is accepted by the CLI (and every flag is in the help)", async () => {
    const help = (await runCli(["--help"], { env })).stdout;
    for (const { command, flags, usage } of lines) {
      const argv = [...(command ? [command] : []), ...flags.flatMap(({ flag, value }) => (value ? [flag, value] : [flag])), "--help"];
      const result = await runCli(argv, { env });
      expect(result.stderr, usage).toBe("");
      expect(result.code, usage).toBe(0);
      if (command && command !== "help") expect(result.stdout).toMatch(new RegExp(`^openkoi ${command} — `));
      for (const { flag } of flags) expect(help).toContain(flag);
    }
  });
});

describe("README: the progress sample", () => {
  let fake: ModelFake;
  beforeAll(async () => {
    fake = await startOpenAIFake();
  });
  afterAll(() => fake.close());

  it("is what the CLI prints for that run, line for line (only the measured cost, tokens and time differ)", async () => {
    fake.respondWith(
      loopScript({
        plan: { steps: ["Create greet.js exporting greet()"], files: ["greet.js"] },
        execute: (i) => ({ toolCalls: [{ name: "write_file", input: { path: "greet.js", content: i === 0 ? "hi\n" : "hello name\n" } }] }),
        judge: (n, dims) => ({
          scores: Object.fromEntries(dims.map((d) => [d, n === 0 ? 5 : 9.2])),
          findings:
            n === 0
              ? [{ severity: "blocker", dimension: dims[0], title: "greet ignores the name", description: "always hi", fix: "Take a name argument" }]
              : [],
        }),
      }),
    );
    const env = cleanEnv({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: fake.baseURL });
    const result = await runCli(["Write a greet function that greets by name", "-m", "openai/gpt-4.1"], { env, cwd: tempDir("ws") });
    expect(result.code).toBe(0);
    const cost = /^\[COST\] \$\d+\.\d{4} · [\d,]+ tokens · \d+\.\ds$/;
    const mask = (line: string) => (cost.test(line) ? "[COST] (measured)" : line);
    // The sandbox note depends on the machine (bwrap present or not), not on the run.
    const printed = result.stderr
      .trimEnd()
      .split("\n")
      .filter((line) => !line.startsWith("openkoi: shell commands run unsandboxed"));
    const sample = blockAfter("Progress goes to stderr");
    expect(sample.some((line) => cost.test(line))).toBe(true);
    expect(printed.map(mask)).toEqual(sample.map(mask));
  });
});
