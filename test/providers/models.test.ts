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

describe("chooseModel: notes when the name was rewritten", () => {
  it("a prefix, a snapshot or another case is said; an exact name is not", async () => {
    const providers = registry(keys);
    expect(await providers.chooseModel("openai/gpt-4.1-na")).toEqual({
      ref: { provider: "openai", model: "gpt-4.1-nano" },
      verified: true,
      note: "model 'openai/gpt-4.1-na' resolved to openai/gpt-4.1-nano (the only model whose name starts with 'gpt-4.1-na')",
    });
    expect((await providers.chooseModel("claude-sonnet-4")).note).toBe(
      "model 'claude-sonnet-4' resolved to anthropic/claude-sonnet-4-20250514 (its newest dated snapshot)",
    );
    expect((await providers.chooseModel("openai/GPT-4O")).note).toContain("(the same name in another case)");
    expect(await providers.chooseModel("openai/gpt-4o")).toEqual({ ref: { provider: "openai", model: "gpt-4o" }, verified: true });
    expect(await providers.chooseModel("gpt-4o")).toEqual({ ref: { provider: "openai", model: "gpt-4o" }, verified: true });
  });
});

describe("resolveModel: a bare name", () => {
  it("a typo of a model of a provider without credentials: suggestions from every provider's list, and the key to set", async () => {
    const message = await configError(registry({ OPENAI_API_KEY: "k" }).resolveModel("claude-sonet-4"));
    expect(message).toMatch(/^Model 'claude-sonet-4' not found in any available provider \(OpenAI\)\. Did you mean: anthropic\/claude-sonnet-4/);
    expect(message).toContain("No credentials for Anthropic: set ANTHROPIC_API_KEY");
  });

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

  it("the endpoint lists neither default: the original's priority list, then the provider's own list", async () => {
    openai.setModels(["fake-large", "fake-small"]);
    try {
      const only = registry({ OPENAI_API_KEY: "k" });
      expect(await only.chooseModel()).toEqual({ ref: { provider: "openai", model: "fake-large" }, verified: true });
      // `-m gpt-4.1` is the catalogue's default, but this endpoint does not serve it: not accepted.
      expect(await configError(only.resolveModel("gpt-4.1"))).toMatch(/^Model 'gpt-4\.1' not found/);
      rmSync(paths.cacheDir, { recursive: true, force: true }); // the listing is cached for an hour
      openai.setModels(["text-embedding-3-small", "fake-large", "gpt-4o", "llama-3.3-70b-versatile"]);
      expect(await registry({ OPENAI_API_KEY: "k" }).resolveModel()).toEqual({ provider: "openai", model: "gpt-4o" });
      rmSync(paths.cacheDir, { recursive: true, force: true });
      openai.setModels(["text-embedding-3-small", "whisper-1", "fake-chat"]);
      expect(await registry({ OPENAI_API_KEY: "k" }).resolveModel()).toEqual({ provider: "openai", model: "fake-chat" });
    } finally {
      openai.setModels(["gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "gpt-4o", "gpt-4o-mini", "o3", "o4-mini"]);
    }
  });

  it("a configured default_model is checked against the list like a named model", async () => {
    const wrong = registry({ OPENAI_API_KEY: "k" }, { providers: { openai: { base_url: openai.baseURL, default_model: "gpt-4.1-mnii" } } });
    expect(await configError(wrong.resolveModel())).toMatch(/^providers\.openai\.default_model: Model 'gpt-4\.1-mnii' not found .*Did you mean: gpt-4\.1-mini/);
    const right = registry({ OPENAI_API_KEY: "k" }, { providers: { openai: { base_url: openai.baseURL, default_model: "o3" } } });
    expect(await right.resolveModel()).toEqual({ provider: "openai", model: "o3" });
  });

  it("offline, the catalogue default is used unverified", async () => {
    const offline = registry({ OPENAI_API_KEY: "k" }, { providers: { openai: { base_url: closed.baseURL } } });
    expect(await offline.chooseModel()).toEqual({ ref: { provider: "openai", model: "gpt-4.1" }, verified: false });
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
