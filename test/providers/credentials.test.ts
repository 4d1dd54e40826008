import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { type Paths, resolvePaths } from "../../src/config/paths.js";
import { ConfigError } from "../../src/core/errors.js";
import { discoverProviders, ollamaRoot, saveCredential } from "../../src/providers/credentials.js";
import { startOpenAIFake } from "../fakes/openai-fake.js";

const ollama = await startOpenAIFake({ models: ["llama3.1:8b", "qwen2.5-coder:7b", "nomic-embed-text"] });
const closed = await startOpenAIFake();
await closed.close();
afterAll(() => ollama.close());

let home: string;
let paths: Paths;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "openkoi-cred-"));
  paths = resolvePaths({ OPENKOI_HOME: home });
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

/** No Ollama unless a test points OLLAMA_HOST at the fake. */
const quiet = { OLLAMA_HOST: closed.url };

async function discover(env: NodeJS.ProcessEnv, raw: unknown = {}) {
  return discoverProviders({ config: parseConfig(raw, {}), paths, env: { ...quiet, ...env } });
}

describe("discoverProviders", () => {
  it("finds keys in the environment, in priority order, naming the variable", async () => {
    const found = await discover({ KIMI_API_KEY: "kimi", GROQ_API_KEY: "gsk", ANTHROPIC_API_KEY: "sk-ant" });
    expect(found.map((p) => [p.id, p.source])).toEqual([
      ["anthropic", "env:ANTHROPIC_API_KEY"],
      ["groq", "env:GROQ_API_KEY"],
      ["moonshot", "env:KIMI_API_KEY"],
    ]);
    expect(found[1]).toMatchObject({ baseURL: "https://api.groq.com/openai/v1", apiKey: "gsk", kind: "openai", defaultModel: "llama-3.3-70b-versatile" });
  });

  it("accepts GEMINI_API_KEY or GOOGLE_API_KEY for google, and DASHSCOPE_API_KEY for qwen", async () => {
    const found = await discover({ GOOGLE_API_KEY: "g", DASHSCOPE_API_KEY: "d" });
    expect(found.map((p) => [p.id, p.source])).toEqual([
      ["google", "env:GOOGLE_API_KEY"],
      ["qwen", "env:DASHSCOPE_API_KEY"],
    ]);
  });

  it("reads a saved key file when the variable is unset; the variable wins when set", async () => {
    const file = saveCredential(paths, "openai", "  sk-from-file\n");
    const fromFile = await discover({});
    expect(fromFile).toMatchObject([{ id: "openai", apiKey: "sk-from-file", source: `file:${file}` }]);
    const fromEnv = await discover({ OPENAI_API_KEY: "sk-env" });
    expect(fromEnv).toMatchObject([{ id: "openai", apiKey: "sk-env", source: "env:OPENAI_API_KEY" }]);
  });

  it("honours [providers.<id>] base_url/api_key and the SDKs' base-URL variables", async () => {
    const configured = await discover(
      { OPENAI_BASE_URL: "http://proxy.local/v1" },
      { providers: { openai: { api_key: "sk-config" }, deepseek: { base_url: "http://ds.local/v1" } } },
    );
    expect(configured).toMatchObject([{ id: "openai", baseURL: "http://proxy.local/v1", source: "config", apiKey: "sk-config" }]);
    const withKey = await discover(
      { DEEPSEEK_API_KEY: "d", ANTHROPIC_API_KEY: "a", ANTHROPIC_BASE_URL: "http://claude.local" },
      { providers: { deepseek: { base_url: "http://ds.local/v1" } } },
    );
    expect(withKey.map((p) => p.baseURL)).toEqual(["http://claude.local", "http://ds.local/v1"]);
  });

  it("probes Ollama at OLLAMA_HOST and picks the best installed model", async () => {
    const found = await discover({ OLLAMA_HOST: ollama.url, OPENAI_API_KEY: "k" });
    expect(found.map((p) => p.id)).toEqual(["openai", "ollama"]);
    expect(found[1]).toMatchObject({
      source: "probe",
      baseURL: `${ollama.url}/v1`,
      defaultModel: "qwen2.5-coder:7b",
      probedModels: ["llama3.1:8b", "qwen2.5-coder:7b", "nomic-embed-text"],
    });
    expect(ollama.requests.at(-1)?.path).toBe("/api/tags");
  });

  it("probes Ollama at [providers.ollama].base_url (with or without /v1)", async () => {
    const found = await discover({}, { providers: { ollama: { base_url: `${ollama.url}/v1`, default_model: "llama3.1:8b" } } });
    expect(found).toMatchObject([{ id: "ollama", baseURL: `${ollama.url}/v1`, defaultModel: "llama3.1:8b" }]);
  });

  it("no Ollama answering → not listed, quickly", async () => {
    const started = Date.now();
    expect(await discover({})).toEqual([]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("custom providers: key from api_key_env, placed after the built-ins and before ollama", async () => {
    const raw = {
      providers: {
        vllm: { base_url: "http://gpu.local:8000/v1", api_key_env: "VLLM_KEY", default_model: "qwen3" },
        lab: { base_url: "http://lab.local/v1", kind: "anthropic" },
      },
    };
    const found = await discover({ VLLM_KEY: "v", OLLAMA_HOST: ollama.url, XAI_API_KEY: "x" }, raw);
    expect(found.map((p) => [p.id, p.source, p.kind])).toEqual([
      ["xai", "env:XAI_API_KEY", "openai"],
      ["vllm", "env:VLLM_KEY", "openai"],
      ["lab", "config", "anthropic"],
      ["ollama", "probe", "openai"],
    ]);
    expect(found[1]).toMatchObject({ baseURL: "http://gpu.local:8000/v1", apiKey: "v", defaultModel: "qwen3" });
    const unset = await discover({}, raw);
    expect(unset.map((p) => p.id)).toEqual(["lab"]);
  });

  it("a custom provider without base_url is a ConfigError naming the setting", async () => {
    await expect(discover({}, { providers: { mine: { api_key: "k" } } })).rejects.toThrow(/providers\.mine\.base_url is required/);
  });
});

describe("saveCredential", () => {
  it("writes the key with mode 0600 in a 0700 directory", () => {
    const file = saveCredential(paths, "anthropic", "sk-ant-secret");
    expect(file).toBe(join(paths.credentialsDir, "anthropic.key"));
    expect(readFileSync(file, "utf8")).toBe("sk-ant-secret\n");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(paths.credentialsDir).mode & 0o777).toBe(0o700);
  });

  it("rejects ids that would escape the directory, and empty keys", () => {
    expect(() => saveCredential(paths, "../evil", "k")).toThrow(ConfigError);
    expect(() => saveCredential(paths, "openai", "   ")).toThrow(ConfigError);
  });
});

describe("ollamaRoot", () => {
  const config = parseConfig({}, {});
  it("normalizes OLLAMA_HOST like Ollama does", () => {
    expect(ollamaRoot(config, {})).toBe("http://localhost:11434");
    expect(ollamaRoot(config, { OLLAMA_HOST: "0.0.0.0" })).toBe("http://127.0.0.1:11434");
    expect(ollamaRoot(config, { OLLAMA_HOST: "gpu-box:9999" })).toBe("http://gpu-box:9999");
    expect(ollamaRoot(config, { OLLAMA_HOST: "https://ollama.example.com/" })).toBe("https://ollama.example.com");
  });
});
