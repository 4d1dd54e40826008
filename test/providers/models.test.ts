import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { type Paths, resolvePaths } from "../../src/config/paths.js";
import { ConfigError } from "../../src/core/errors.js";
import { createProviderRegistry } from "../../src/providers/index.js";
import { matchModel } from "../../src/providers/models.js";
import { jaroWinkler, suggest } from "../../src/providers/similarity.js";
import { startAnthropicFake } from "../fakes/anthropic-fake.js";
import { startOpenAIFake } from "../fakes/openai-fake.js";

const openai = await startOpenAIFake();
const anthropic = await startAnthropicFake();
const closed = await startOpenAIFake();
await closed.close();
afterAll(async () => {
  await openai.close();
  await anthropic.close();
});

let home: string;
let paths: Paths;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "openkoi-models-"));
  paths = resolvePaths({ OPENKOI_HOME: home });
  openai.requests.length = 0;
  anthropic.requests.length = 0;
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const both = { providers: { openai: { base_url: openai.baseURL }, anthropic: { base_url: anthropic.baseURL } } };

function registry(env: NodeJS.ProcessEnv, raw: unknown = both) {
  return createProviderRegistry({ config: parseConfig(raw, {}), paths, env: { OLLAMA_HOST: closed.url, ...env }, listTimeoutMs: 1000 });
}

const keys = { OPENAI_API_KEY: "sk-o", ANTHROPIC_API_KEY: "sk-a" };

async function configError(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).message;
}

describe("resolveModel: provider/model", () => {
  it("an unknown model → 'Did you mean' from the provider's list, and the list is cached", async () => {
    const message = await configError(registry(keys).resolveModel("openai/gpt-4.1-mnii"));
    expect(message).toMatch(/^Model 'gpt-4\.1-mnii' not found in OpenAI \(7 models available\)\. Did you mean: gpt-4\.1-mini/);
    const cacheFile = join(paths.cacheDir, "openai-models.json");
    expect(existsSync(cacheFile)).toBe(true);
    const cached = JSON.parse(readFileSync(cacheFile, "utf8")) as { cached_at: number; base_url: string; models: Array<{ id: string }> };
    expect(cached.base_url).toBe(openai.baseURL);
    expect(cached.models.map((m) => m.id)).toContain("gpt-4o-mini");
    expect(openai.requests.filter((r) => r.path === "/v1/models")).toHaveLength(1);

    // A second registry (a second run) within the hour reads the cache instead of asking again.
    expect(await registry(keys).resolveModel("openai/gpt-4o")).toEqual({ provider: "openai", model: "gpt-4o" });
    expect(openai.requests.filter((r) => r.path === "/v1/models")).toHaveLength(1);
  });

  it("matches case-insensitively and by unique prefix", async () => {
    const providers = registry(keys);
    expect(await providers.resolveModel("openai/GPT-4O-MINI")).toEqual({ provider: "openai", model: "gpt-4o-mini" });
    expect(await providers.resolveModel("openai/gpt-4.1-na")).toEqual({ provider: "openai", model: "gpt-4.1-nano" });
    expect(await providers.resolveModel("anthropic/claude-sonnet-4-5")).toEqual({ provider: "anthropic", model: "claude-sonnet-4-5-20250929" });
  });

  it("a provider without credentials → ConfigError naming its variable", async () => {
    const message = await configError(registry(keys).resolveModel("groq/llama-3.3-70b-versatile"));
    expect(message).toContain("GROQ_API_KEY");
  });

  it("offline listing does not block: the id is accepted as given", async () => {
    const offline = registry({ OPENAI_API_KEY: "k" }, { providers: { openai: { base_url: closed.baseURL } } });
    expect(await offline.resolveModel("openai/gpt-9-preview")).toEqual({ provider: "openai", model: "gpt-9-preview" });
    expect(await offline.resolveModel("gpt-9-preview")).toEqual({ provider: "openai", model: "gpt-9-preview" });
  });
});

describe("resolveModel: a bare name", () => {
  it("finds the provider that serves it, whatever the priority", async () => {
    expect(await registry(keys).resolveModel("gpt-4o-mini")).toEqual({ provider: "openai", model: "gpt-4o-mini" });
  });

  it("`-m claude-sonnet-4` resolves to its dated snapshot", async () => {
    expect(await registry(keys).resolveModel("claude-sonnet-4")).toEqual({ provider: "anthropic", model: "claude-sonnet-4-20250514" });
  });

  it("unknown everywhere → suggestions as provider/model", async () => {
    const message = await configError(registry(keys).resolveModel("claude-sonet-4-6"));
    expect(message).toContain("Did you mean: claude-sonnet-4-6");
    const elsewhere = await configError(registry(keys).resolveModel("mistral-large"));
    expect(elsewhere).toMatch(/^Model 'mistral-large' not found in any available provider \(Anthropic, OpenAI\)/);
  });

  it("a vendor/model name whose prefix is no provider is looked up as a whole", async () => {
    openai.setModels(["meta-llama/Llama-3.3-70B-Instruct-Turbo"]);
    const together = registry({ TOGETHER_API_KEY: "t" }, { providers: { together: { base_url: openai.baseURL } } });
    expect(await together.resolveModel("meta-llama/llama-3.3-70b-instruct-turbo")).toEqual({
      provider: "together",
      model: "meta-llama/Llama-3.3-70B-Instruct-Turbo",
    });
    openai.setModels(["gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "gpt-4o", "gpt-4o-mini", "o3", "o4-mini"]);
  });
});

describe("resolveModel: defaults", () => {
  it("no model named → the best available provider's default model", async () => {
    expect(await registry(keys).resolveModel()).toEqual({ provider: "anthropic", model: "claude-sonnet-4-6" });
    expect(await registry({ OPENAI_API_KEY: "k", DEEPSEEK_API_KEY: "d" }).resolveModel()).toEqual({ provider: "openai", model: "gpt-4.1" });
  });

  it("[models].executor is the default when set", async () => {
    const configured = registry(keys, { ...both, models: { executor: "openai/gpt-4o" } });
    expect(await configured.resolveModel()).toEqual({ provider: "openai", model: "gpt-4o" });
  });

  it("no credentials at all → a message naming the variables, Ollama and `openkoi doctor`", async () => {
    const message = await configError(registry({}).resolveModel());
    for (const needle of ["ANTHROPIC_API_KEY", "OPENAI_API_KEY", "GEMINI_API_KEY", "GROQ_API_KEY", "Ollama", "openkoi doctor"]) {
      expect(message).toContain(needle);
    }
    await expect(registry({}).resolveModel("gpt-4.1")).rejects.toThrow(/OPENAI_API_KEY/);
  });
});

describe("matching helpers", () => {
  it("matchModel reports ambiguity when several ids share the prefix", () => {
    expect(matchModel("gpt-4", ["gpt-4.1", "gpt-4o"])).toEqual({ ambiguous: ["gpt-4.1", "gpt-4o"] });
    expect(matchModel("zzz", ["gpt-4.1"])).toEqual({ suggestions: [] });
  });

  it("jaroWinkler and suggest", () => {
    expect(jaroWinkler("martha", "marhta")).toBeCloseTo(0.961, 3);
    expect(jaroWinkler("abc", "abc")).toBe(1);
    expect(jaroWinkler("", "abc")).toBe(0);
    expect(suggest("gpt4o-mini", ["gpt-4o-mini", "gpt-4o", "o3", "claude-haiku-4-5"])).toEqual(["gpt-4o-mini", "gpt-4o"]);
  });
});
