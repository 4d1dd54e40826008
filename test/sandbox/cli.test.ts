/** The built CLI: unsandboxed on the developer's machine by default (said once), and `doctor` names what applies. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ModelFake, startOpenAIFake } from "../fakes/openai-fake.js";
import { cleanEnv, runCli, tempDir } from "../helpers/cli.js";
import { loopScript } from "../helpers/scripted-model.js";

const NOTE = 'openkoi: shell commands run unsandboxed on this machine (set [shell] sandbox = "bwrap" to sandbox them)\n';
let fake: ModelFake;
beforeAll(async () => {
  fake = await startOpenAIFake();
  fake.respondWith(
    loopScript({
      execute: () => ({ toolCalls: [{ name: "run_command", input: { command: "echo ran > cli.txt" } }] }),
      judge: (_n, dims) => ({ scores: Object.fromEntries(dims.map((d) => [d, 9])) }),
    }),
  );
});
afterAll(() => fake.close());

function envWithConfig(toml: string): Record<string, string> {
  const env = cleanEnv({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: fake.baseURL });
  mkdirSync(env.OPENKOI_HOME as string, { recursive: true });
  writeFileSync(join(env.OPENKOI_HOME as string, "config.toml"), `[evaluation]\nrun_tests = false\n${toml}`);
  return env;
}

describe("CLI tasks", () => {
  it("run shell commands unsandboxed (even with no bwrap at all) and say so once on stderr", async () => {
    const workspace = tempDir("ws");
    const env = envWithConfig('[shell]\nbwrap_path = "/nonexistent/bwrap"\n');
    const result = await runCli(["Write cli.txt", "-i", "0", "-m", "openai/gpt-4.1"], { env, cwd: workspace });
    expect(result.code).toBe(0);
    expect(result.stderr.split(NOTE)).toHaveLength(2);
    expect(readFileSync(join(workspace, "cli.txt"), "utf8")).toBe("ran\n");
    const quiet = await runCli(["Write cli.txt", "-i", "0", "--quiet", "-m", "openai/gpt-4.1"], { env, cwd: tempDir("ws") });
    expect(quiet.stderr).toBe("");
  });

  it('with [shell] sandbox = "bwrap" and no bwrap, get no shell (and say nothing about running unsandboxed)', async () => {
    const workspace = tempDir("ws");
    const env = envWithConfig('[shell]\nsandbox = "bwrap"\nbwrap_path = "/nonexistent/bwrap"\n');
    const result = await runCli(["Write cli.txt", "-i", "0", "-m", "openai/gpt-4.1"], { env, cwd: workspace });
    expect(result.stderr).not.toContain("unsandboxed on this machine");
    expect(existsSync(join(workspace, "cli.txt"))).toBe(false);
  });
});

describe("openkoi doctor", () => {
  it("says shell from hub tasks runs sandboxed when bubblewrap works", async () => {
    const result = await runCli(["doctor"], { env: envWithConfig("") });
    expect(result.stdout).toMatch(
      /^\[ok\] {3}sandbox: bubblewrap \d+\.\d+\.\d+ — shell from chat, GitHub and API tasks runs sandboxed; CLI tasks run unsandboxed$/m,
    );
  });

  it('fails when [shell] sandbox = "bwrap" and bwrap is missing, with the fix', async () => {
    const result = await runCli(["doctor"], { env: envWithConfig('[shell]\nsandbox = "bwrap"\nbwrap_path = "/nonexistent/bwrap"\n') });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      '[FAIL] sandbox: /nonexistent/bwrap: not found — [shell] sandbox = "bwrap" requires it\n       fix: apt install bubblewrap, or set [shell] sandbox = "off" in config.toml\n',
    );
  });

  it("with the default policy and no bwrap, says shell is refused for hub tasks", async () => {
    const result = await runCli(["doctor"], { env: envWithConfig('[shell]\nbwrap_path = "/nonexistent/bwrap"\n') });
    expect(result.stdout).toMatch(
      /^\[ok\] {3}sandbox: \/nonexistent\/bwrap: not found — shell is refused for chat, GitHub and API tasks \(fix: apt install bubblewrap/m,
    );
  });
});
