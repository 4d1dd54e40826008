/** An OpenAI-compatible endpoint that serves two models, neither of them the catalogue's default (gpt-4.1). */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ModelFake, startOpenAIFake } from "../fakes/openai-fake.js";
import { cleanEnv, runCli, tempDir } from "../helpers/cli.js";
import { loopScript } from "../helpers/scripted-model.js";

describe("the default model is one the endpoint lists", () => {
  let fake: ModelFake;
  let env: Record<string, string>;
  beforeAll(async () => {
    fake = await startOpenAIFake({ models: ["fake-large", "fake-small"] });
    fake.respondWith(loopScript({ execute: () => ({ text: "ok" }), judge: (_n, dims) => ({ scores: Object.fromEntries(dims.map((d) => [d, 9])) }) }));
    env = cleanEnv({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: fake.baseURL });
  });
  afterAll(() => fake.close());

  it("without -m, a task runs on a listed model, and every call asks for it", async () => {
    const before = fake.chats().length;
    const result = await runCli(["Say ok"], { env, cwd: tempDir("ws") });
    expect(result.stderr).toContain("| model: openai/fake-large");
    expect(result.code).toBe(0);
    const models = new Set(
      fake
        .chats()
        .slice(before)
        .map((body) => body.model),
    );
    expect([...models]).toEqual(["fake-large"]);
  });

  it("doctor checks the resolved default (and the other roles) against the list", async () => {
    const result = await runCli(["doctor"], { env });
    expect(result.stdout).toContain(
      "[ok]   models: executor openai/fake-large · evaluator openai/fake-large · planner openai/fake-large · small openai/fake-large",
    );
    const home = join(tempDir("home"), ".openkoi");
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, "config.toml"), '[models]\nexecutor = "openai/gpt-4.1"\n');
    const named = await runCli(["doctor"], { env: { ...env, OPENKOI_HOME: home } });
    expect(named.code).toBe(1);
    expect(named.stdout).toContain("[FAIL] models: Model 'gpt-4.1' not found in OpenAI (2 models available).");
    expect(named.stdout).toContain("fix: set [models].executor (or -m) to a model an available provider lists");
  });

  it("doctor does not pass a model it could not check (the endpoint does not answer)", async () => {
    const closed = await startOpenAIFake();
    await closed.close();
    const result = await runCli(["doctor"], { env: { ...env, OPENAI_BASE_URL: closed.baseURL } });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      "[FAIL] models: executor openai/gpt-4.1 · evaluator openai/gpt-4.1 · planner openai/gpt-4.1 · small openai/gpt-4o-mini: not checked, openai did not list its models",
    );
  });

  it("-m openai/fake-larg is prefix-matched, and says so on stderr (not with --quiet)", async () => {
    const result = await runCli(["Say ok", "-m", "openai/fake-larg"], { env, cwd: tempDir("ws") });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("openkoi: model 'openai/fake-larg' resolved to openai/fake-large (the only model whose name starts with 'fake-larg')\n");
    const quiet = await runCli(["Say ok", "-m", "openai/fake-larg", "--quiet"], { env, cwd: tempDir("ws") });
    expect(quiet.stderr).toBe("");
    const exact = await runCli(["Say ok", "-m", "openai/fake-large"], { env, cwd: tempDir("ws") });
    expect(exact.stderr).not.toContain("resolved to");
  });

  it("-m claude-sonet-4 without a provider: suggestions from every provider's list, and the key Anthropic needs", async () => {
    const result = await runCli(["Say ok", "-m", "claude-sonet-4"], { env, cwd: tempDir("ws") });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^Model 'claude-sonet-4' not found in any available provider \(OpenAI\)\. Did you mean: anthropic\/claude-sonnet-4\b/m);
    expect(result.stderr).toContain("No credentials for Anthropic: set ANTHROPIC_API_KEY");
  });
});
