import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GitHubFake, startGitHubFake } from "../fakes/github-fake.js";
import { type ModelFake, startOpenAIFake } from "../fakes/openai-fake.js";
import { cleanEnv, runCli, tempDir } from "../helpers/cli.js";
import { passingScript } from "../helpers/hub-harness.js";

describe("status, doctor and setup through the built CLI", () => {
  let model: ModelFake;
  let github: GitHubFake;
  beforeAll(async () => {
    model = await startOpenAIFake();
    model.respondWith(passingScript("answered"));
    github = await startGitHubFake("ghp_good");
  });
  afterAll(async () => {
    await model.close();
    await github.close();
  });

  it("status shows recent tasks and costs after a run", async () => {
    const env = cleanEnv({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: model.baseURL });
    const ran = await runCli(["list the files", "-m", "openai/gpt-4.1"], { env, cwd: tempDir("ws") });
    expect(ran.code).toBe(0);
    const status = await runCli(["status", "--costs"], { env });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/completed\s+0\.90 .* list the files/);
    expect(status.stdout).toContain("openai/gpt-4.1");
    expect(status.stdout).toContain("By model (30 days):");
  });

  it("export writes every task with its iterations, findings and costs", async () => {
    const env = cleanEnv({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: model.baseURL });
    await runCli(["count the lines", "-m", "openai/gpt-4.1"], { env, cwd: tempDir("ws") });
    const out = join(tempDir("export"), "openkoi.json");
    const result = await runCli(["export", "-o", out], { env });
    expect(result.code).toBe(0);
    const { readFileSync, statSync } = await import("node:fs");
    const doc = JSON.parse(readFileSync(out, "utf8"));
    expect(doc.tasks).toHaveLength(1);
    expect(doc.tasks[0]).toMatchObject({ task: { status: "completed", request: { description: "count the lines" } } });
    expect(doc.tasks[0].iterations[0].dimensions).toEqual([
      { dimension: "relevance", score: 0.9, weight: 0.4 },
      { dimension: "quality", score: 0.9, weight: 0.35 },
      { dimension: "completeness", score: 0.9, weight: 0.25 },
    ]);
    expect(doc.cost.byModel[0].model).toBe("openai/gpt-4.1");
    expect(statSync(out).mode & 0o777).toBe(0o600);
  });

  it("doctor checks providers and integrations, with a fix for each failure", async () => {
    const env = cleanEnv({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: model.baseURL });
    const home = env.OPENKOI_HOME as string;
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, "config.toml"), `[integrations.github]\ntoken = "ghp_bad"\napi_url = "${github.url}"\n`);
    const bad = await runCli(["doctor"], { env });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/\[ok\]\s+provider openai: env:OPENAI_API_KEY, \d+ models/);
    expect(bad.stdout).toMatch(/\[ok\]\s+models: executor openai\/\S+ · evaluator openai\/\S+ · planner openai\/\S+ · small openai\/\S+/);
    expect(bad.stdout).toMatch(/\[FAIL\] integration github/);
    expect(bad.stdout).toContain("fix: check the credentials in [integrations.github]");
    writeFileSync(join(home, "config.toml"), `[integrations.github]\ntoken = "ghp_good"\napi_url = "${github.url}"\n`);
    const good = await runCli(["doctor"], { env });
    expect(good.stdout).toMatch(/\[ok\]\s+integration github/);
    expect(good.code).toBe(0);
  });

  it("doctor without any credentials names what to set", async () => {
    const result = await runCli(["doctor"], { env: cleanEnv({}) });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("[FAIL] providers: no model credentials found");
    expect(result.stdout).toContain("ANTHROPIC_API_KEY");
  });

  it("connect checks a key against the provider and saves it with mode 0600; a rejected key is not saved", async () => {
    const { startFake } = await import("../fakes/http.js");
    const provider = await startFake("openai-keys", (req) =>
      req.headers.authorization === "Bearer sk-good"
        ? { json: { object: "list", data: [{ id: "gpt-4.1", object: "model", created: 0, owned_by: "x" }] } }
        : { status: 401, json: { error: { message: "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key" } } },
    );
    try {
      const env = cleanEnv({ OPENAI_BASE_URL: `${provider.url}/v1` });
      const file = join(env.OPENKOI_HOME as string, "credentials", "openai.key");
      const bad = await runCli(["connect", "openai"], { env, input: "sk-bad\n" });
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain("rejected the key");
      const { existsSync, readFileSync, statSync } = await import("node:fs");
      expect(existsSync(file)).toBe(false);
      const good = await runCli(["connect", "openai"], { env, input: "sk-good\n" });
      expect(good.code).toBe(0);
      expect(readFileSync(file, "utf8").trim()).toBe("sk-good");
      expect(statSync(file).mode & 0o777).toBe(0o600);
      // The saved key is discovered without any environment variable.
      const doctor = await runCli(["doctor"], { env });
      expect(doctor.stdout).toMatch(/\[ok\]\s+provider openai: file:\S*openai\.key, 1 models/);
      const removed = await runCli(["connect", "remove", "openai"], { env });
      expect(removed.stdout).toContain("Removed");
      expect(existsSync(file)).toBe(false);
    } finally {
      await provider.close();
    }
  });

  it("setup prints the platform-side step for a channel", async () => {
    const result = await runCli(["setup", "slack", "--url", "https://hub.example.com"], { env: cleanEnv({}) });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("https://hub.example.com/channels/slack/events");
    const bad = await runCli(["setup", "myspace"], { env: cleanEnv({}) });
    expect(bad.code).toBe(2);
  });
});
