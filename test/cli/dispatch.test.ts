/** Commands versus tasks, help, and --quiet failures, through the built CLI. */
import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FLAG_SPELLINGS } from "../../src/cli/args.js";
import { COMMANDS_HELP } from "../../src/cli/help.js";
import { type ModelFake, startOpenAIFake } from "../fakes/openai-fake.js";
import { cleanEnv, runCli, tempDir } from "../helpers/cli.js";
import { loopScript } from "../helpers/scripted-model.js";

describe("words that look like a command are not tasks", () => {
  let fake: ModelFake;
  let env: Record<string, string>;
  beforeAll(async () => {
    fake = await startOpenAIFake();
    fake.respondWith(
      loopScript({ execute: () => ({ toolCalls: [{ name: "write_file", input: { path: "hello.txt", content: "hi" } }] }), judge: () => ({ scores: {} }) }),
    );
    env = cleanEnv({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: fake.baseURL });
  });
  afterAll(() => fake.close());

  /** Runs the words in an empty workspace; asserts nothing reached the model and no file was written. */
  async function refused(args: string[]) {
    const workspace = tempDir("ws");
    const before = fake.chats().length;
    const result = await runCli(args, { env, cwd: workspace });
    expect(result.code).toBe(2);
    expect(fake.chats().length).toBe(before);
    expect(readdirSync(workspace)).toEqual([]);
    expect(result.stdout).toBe("");
    return result.stderr;
  }

  it("a command of the original openkoi: exit 2, what to use instead, how to force a task", async () => {
    expect(await refused(["disconnect", "copilot"])).toBe(
      'openkoi: "disconnect" is not a command. Did you mean "connect remove"? (openkoi connect remove copilot)\n' +
        '  To run it as a task instead: openkoi run "disconnect copilot"\n',
    );
    expect(await refused(["learn"])).toContain("openkoi has no learn command");
    expect(await refused(["update"])).toContain("openkoi does not update itself");
    expect(await refused(["init"])).toContain('Did you mean "doctor"?');
    // Even as the start of a longer phrase typed without quotes.
    expect(await refused(["update", "the", "readme", "file"])).toContain('openkoi run "update the readme file"');
  });

  it("a bare word: a typo gets the nearest command (Levenshtein), anything else the list of commands", async () => {
    expect(await refused(["stauts"])).toContain('"stauts" is not a command. Did you mean "status"?');
    expect(await refused(["conect", "openai"])).toContain('Did you mean "connect"?');
    expect(await refused(["hello"])).toContain('Did you mean "help"?');
    const other = await refused(["banana"]);
    expect(other).toContain('To run it as a task instead: openkoi run "banana"');
    expect(other).toContain("Commands: run, status, doctor");
    // Object property names are not commands either.
    expect(await refused(["constructor"])).toContain('"constructor" is not a command');
  });

  it("openkoi run forces a task; a quoted phrase or three plain words is a task", async () => {
    for (const args of [
      ["run", "learn", "--quiet"],
      ["learn the codebase layout", "--quiet"],
      ["fix", "the", "bug", "--quiet"],
    ]) {
      const before = fake.chats().length;
      const result = await runCli([...args, "-i", "0", "-m", "openai/gpt-4.1"], { env, cwd: tempDir("ws") });
      expect(result.code).toBe(0);
      expect(fake.chats().length).toBeGreaterThan(before);
    }
  });

  it("an unknown option suggests the nearest one", async () => {
    const result = await runCli(["status", "--verbos"], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("Unknown option --verbos. Did you mean --verbose? Run openkoi --help.\n");
  });
});

describe("help", () => {
  const env = cleanEnv({});

  it("per command: `openkoi help status` and `openkoi status --help` print the same, with its flags", async () => {
    const help = await runCli(["help", "status"], { env });
    const flag = await runCli(["status", "--help"], { env });
    expect(help.code).toBe(0);
    expect(flag.stdout).toBe(help.stdout);
    expect(help.stdout).toMatch(/^openkoi status — /);
    for (const text of ["openkoi status [--costs] [--live] [--verbose]", "--costs", "--live", "--verbose"]) expect(help.stdout).toContain(text);
    expect(help.stdout).not.toContain("Task options");
    const digest = await runCli(["digest", "--help"], { env });
    for (const text of ["--preview", "--html", "--send", "--force"]) expect(digest.stdout).toContain(text);
  });

  it("every command has its help; an unknown one is exit 2 with a suggestion", async () => {
    for (const { name } of COMMANDS_HELP) {
      const result = await runCli(["help", name], { env });
      expect(result.code, name).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^openkoi ${name} — `));
    }
    const unknown = await runCli(["help", "stats"], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no command "stats". Did you mean "status"?');
  });

  it("the global help names every command, every subcommand and every flag the parser accepts", async () => {
    const help = (await runCli(["--help"], { env })).stdout;
    for (const { name } of COMMANDS_HELP) expect(help).toContain(`openkoi ${name === "run" ? 'run "task"' : name}`);
    for (const text of ["daemon start|stop|status", "connect remove <provider>", "setup slack|discord|teams|telegram|github", "digest --send [--force]"]) {
      expect(help).toContain(text);
    }
    for (const spelling of FLAG_SPELLINGS) expect(help, spelling).toMatch(new RegExp(`(^|[\\s\\[,/])${spelling.replace(/[-]/g, "\\-")}\\b`, "m"));
  });
});

describe("--quiet", () => {
  it("a failed run still prints its one-line reason on stderr (and nothing else)", async () => {
    const fake = await startOpenAIFake();
    try {
      fake.respondWith(() => ({ error: { status: 400, message: "model does not support tools" } }));
      const env = cleanEnv({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: fake.baseURL });
      const result = await runCli(["Write a.txt", "--quiet", "-m", "openai/gpt-4.1"], { env, cwd: tempDir("ws") });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr.split("\n")).toHaveLength(2);
      expect(result.stderr).toMatch(/^openkoi: failed: .*model does not support tools.*\n$/);
    } finally {
      await fake.close();
    }
  });
});
