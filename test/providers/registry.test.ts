import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { type Paths, resolvePaths } from "../../src/config/paths.js";
import { ConfigError } from "../../src/core/errors.js";
import { createProviderRegistry, saveCredential } from "../../src/providers/index.js";
import { startAnthropicFake } from "../fakes/anthropic-fake.js";
import { startOpenAIFake } from "../fakes/openai-fake.js";

const openai = await startOpenAIFake();
const anthropic = await startAnthropicFake();
const ollama = await startOpenAIFake({ models: ["mistral:7b", "llama3.3:70b"] });
const closed = await startOpenAIFake();
await closed.close();
afterAll(async () => {
  await Promise.all([openai.close(), anthropic.close(), ollama.close()]);
});

let home: string;
let paths: Paths;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "openkoi-registry-"));
  paths = resolvePaths({ OPENKOI_HOME: home });
  openai.requests.length = 0;
  anthropic.requests.length = 0;
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const baseURLs = { openai: { base_url: openai.baseURL }, anthropic: { base_url: anthropic.baseURL } };

function registry(env: NodeJS.ProcessEnv, raw: Record<string, unknown> = {}) {
  const config = parseConfig({ providers: baseURLs, ...raw }, {});
  return createProviderRegistry({ config, paths, env: { OLLAMA_HOST: closed.url, ...env }, retry: { baseDelayMs: 5, maxDelayMs: 10 } });
}

describe("createProviderRegistry", () => {
  it("available() lists providers with where each credential came from", async () => {
    saveCredential(paths, "anthropic", "sk-ant-file");
    const providers = registry({ OPENAI_API_KEY: "sk-o", OLLAMA_HOST: ollama.url });
    expect(await providers.available()).toEqual([
      { id: "anthropic", source: `file:${join(paths.credentialsDir, "anthropic.key")}`, baseURL: anthropic.baseURL },
      { id: "openai", source: "env:OPENAI_API_KEY", baseURL: openai.baseURL },
      { id: "ollama", source: "probe", baseURL: `${ollama.url}/v1` },
    ]);
  });

  it("get() returns a cached, retry-wrapped provider speaking with the discovered key", async () => {
    const providers = registry({ ANTHROPIC_API_KEY: "sk-ant-env" });
    const claude = await providers.get("anthropic");
    expect(await providers.get("anthropic")).toBe(claude);
    anthropic.script({ error: { status: 529 } }, { text: "hello" });
    const response = await claude.chat({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "hi" }] });
    expect(response.text).toBe("hello");
    expect(anthropic.chats()).toHaveLength(2);
    expect(anthropic.requests[0]?.headers.authorization ?? anthropic.requests[0]?.headers["x-api-key"]).toContain("sk-ant-env");
  });

  it("a 401 names where the rejected key came from", async () => {
    const providers = registry({ OPENAI_API_KEY: "sk-bad" });
    openai.script({ error: { status: 401, message: "Incorrect API key provided" } });
    const chat = (await providers.get("openai")).chat({ model: "gpt-4.1", messages: [{ role: "user", content: "x" }] });
    await expect(chat).rejects.toThrow("OpenAI said 401 Incorrect API key provided: check the environment variable OPENAI_API_KEY");
  });

  it("get() without a credential → ConfigError naming the variable; unknown ids are named too", async () => {
    const providers = registry({});
    await expect(providers.get("groq")).rejects.toThrow(ConfigError);
    await expect(providers.get("groq")).rejects.toThrow(/GROQ_API_KEY/);
    await expect(providers.get("moonshot")).rejects.toThrow(/MOONSHOT_API_KEY or KIMI_API_KEY/);
    await expect(providers.get("ollama")).rejects.toThrow(/Ollama is not answering/);
    await expect(providers.get("nope")).rejects.toThrow(/Unknown provider 'nope'/);
  });

  it("ollama is reached through its OpenAI-compatible /v1 with the best installed model", async () => {
    const providers = registry({ OLLAMA_HOST: ollama.url });
    expect(await providers.resolveModel()).toEqual({ provider: "ollama", model: "llama3.3:70b" });
    ollama.script({ text: "local answer" });
    const local = await providers.get("ollama");
    expect((await local.chat({ model: "llama3.3:70b", messages: [{ role: "user", content: "hi" }] })).text).toBe("local answer");
    expect(ollama.requests.at(-1)?.path).toBe("/v1/chat/completions");
  });

  it("resolveRoles: [models] roles, falling back to the executor; small from the catalogue, as the provider lists it", async () => {
    const providers = registry({ ANTHROPIC_API_KEY: "a", OPENAI_API_KEY: "o" }, { models: { evaluator: "openai/gpt-4.1-mini" } });
    const executor = await providers.resolveModel();
    expect(await providers.resolveRoles(executor)).toEqual({
      executor: { provider: "anthropic", model: "claude-sonnet-4-6" },
      evaluator: { provider: "openai", model: "gpt-4.1-mini" },
      planner: { provider: "anthropic", model: "claude-sonnet-4-6" },
      small: { provider: "anthropic", model: "claude-haiku-4-5-20251001" },
    });
  });

  it("resolveRoles: a catalogue small model the provider does not list falls back to the executor", async () => {
    anthropic.setModels(["claude-sonnet-4-6"]);
    try {
      const providers = registry({ ANTHROPIC_API_KEY: "a" });
      const executor = await providers.resolveModel();
      expect((await providers.resolveRoles(executor)).small).toEqual({ provider: "anthropic", model: "claude-sonnet-4-6" });
    } finally {
      anthropic.setModels(["claude-sonnet-4-6", "claude-opus-4-6", "claude-sonnet-4-5-20250929", "claude-sonnet-4-20250514", "claude-haiku-4-5-20251001"]);
    }
  });

  it("resolveRoles: [models].small_model wins; a custom provider's small model is the executor", async () => {
    const configured = registry({ OPENAI_API_KEY: "o" }, { models: { small_model: "openai/gpt-4.1-nano" } });
    const roles = await configured.resolveRoles({ provider: "openai", model: "gpt-4.1" });
    expect(roles.small).toEqual({ provider: "openai", model: "gpt-4.1-nano" });
    const custom = registry({}, { providers: { ...baseURLs, local: { base_url: openai.baseURL, default_model: "gpt-4o" } } });
    const executor = await custom.resolveModel();
    expect(executor).toEqual({ provider: "local", model: "gpt-4o" });
    expect((await custom.resolveRoles(executor)).small).toEqual(executor);
  });

  it("price() prices usage by the model table", () => {
    const providers = registry({});
    expect(providers.price({ provider: "openai", model: "gpt-4.1" }, { inputTokens: 1_000_000, outputTokens: 500_000 })).toEqual({ costUsd: 6, priced: true });
  });
});
