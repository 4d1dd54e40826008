/** Credential discovery (env → key file → Ollama probe → custom providers) and saving keys. */
import { chmodSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Paths } from "../config/paths.js";
import type { Config, ProviderConfig } from "../config/schema.js";
import { ConfigError } from "../core/errors.js";
import { writeFileAtomic } from "../core/fs.js";
import type { Secret } from "../core/redact.js";
import { bestOllamaModel, CATALOG, type CatalogEntry, catalogEntry, providerRank, type WireKind } from "./catalog.js";

export interface DiscoveredProvider {
  id: string;
  name: string;
  kind: WireKind;
  baseURL: string;
  apiKey: string;
  /** Where the credential came from: "env:ANTHROPIC_API_KEY", "file:/…/anthropic.key", "probe", "config". */
  source: string;
  /** Where to fix a rejected key, for 401 messages. */
  keyHint: string;
  defaultModel?: string;
  /** `[providers.<id>].default_model` when the user set one (checked against the list like a named model). */
  configuredModel?: string;
  smallModel?: string;
  defaultHeaders?: Record<string, string>;
  /** Installed models seen by a probe (Ollama). */
  probedModels?: string[];
}

export interface DiscoverOptions {
  config: Config;
  paths: Paths;
  env: NodeJS.ProcessEnv;
  /** Ollama probe timeout (default 500 ms). */
  probeTimeoutMs?: number;
}

const PROVIDER_ID = /^[a-z0-9][a-z0-9_-]*$/i;

export function credentialFile(paths: Paths, provider: string): string {
  if (!PROVIDER_ID.test(provider)) throw new ConfigError(`Invalid provider id '${provider}': use letters, digits, - and _`);
  return join(paths.credentialsDir, `${provider}.key`);
}

export function readCredential(paths: Paths, provider: string): string | undefined {
  try {
    return readFileSync(credentialFile(paths, provider), "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Writes `<credentialsDir>/<provider>.key` atomically, mode 0600, in a 0700 directory. Returns the path. */
export function saveCredential(paths: Paths, provider: string, key: string): string {
  const file = credentialFile(paths, provider);
  const value = key.trim();
  if (!value) throw new ConfigError(`Refusing to save an empty key for ${provider}`);
  mkdirSync(paths.credentialsDir, { recursive: true, mode: 0o700 });
  chmodSync(paths.credentialsDir, 0o700);
  writeFileAtomic(file, `${value}\n`, 0o600);
  return file;
}

/**
 * Every provider key the hub could use, found synchronously and without a probe, for the redactor: each key
 * variable the registry reads (the catalogue's and custom providers' `api_key_env`), every `<credentials>/*.key`
 * file, and `api_key` in the config.
 */
export function credentialSecrets(options: Omit<DiscoverOptions, "probeTimeoutMs">): Secret[] {
  const out: Secret[] = [];
  const settings = Object.entries(options.config.providers);
  const variables = [...CATALOG.flatMap((entry) => entry.envKeys), ...settings.flatMap(([, s]) => (s.api_key_env ? [s.api_key_env] : []))];
  for (const name of variables) {
    const value = options.env[name];
    if (value) out.push({ name, value });
  }
  let files: string[] = [];
  try {
    files = readdirSync(options.paths.credentialsDir).filter((file) => file.endsWith(".key"));
  } catch {
    // No credentials directory: nothing saved.
  }
  for (const file of files) {
    const value = readCredential(options.paths, file.slice(0, -".key".length));
    if (value) out.push({ name: `credentials/${file}`, value });
  }
  for (const [id, s] of settings) if (s.api_key) out.push({ name: `providers.${id}.api_key`, value: s.api_key });
  return out;
}

interface FoundKey {
  apiKey: string;
  source: string;
  keyHint: string;
}

function findKey(id: string, envKeys: readonly string[], settings: ProviderConfig | undefined, options: DiscoverOptions): FoundKey | undefined {
  if (settings?.api_key) return { apiKey: settings.api_key, source: "config", keyHint: `providers.${id}.api_key in config.toml` };
  for (const name of envKeys) {
    const value = options.env[name]?.trim();
    if (value) return { apiKey: value, source: `env:${name}`, keyHint: `the environment variable ${name}` };
  }
  const fromFile = readCredential(options.paths, id);
  if (!fromFile) return undefined;
  const file = credentialFile(options.paths, id);
  return { apiKey: fromFile, source: `file:${file}`, keyHint: `the key in ${file}` };
}

function builtIn(entry: CatalogEntry, options: DiscoverOptions): DiscoveredProvider | undefined {
  const settings = options.config.providers[entry.id];
  const key = findKey(entry.id, entry.envKeys, settings, options);
  if (!key) return undefined;
  const envBase = entry.baseURLEnv ? options.env[entry.baseURLEnv]?.trim() : undefined;
  return {
    id: entry.id,
    name: entry.name,
    kind: entry.kind,
    baseURL: settings?.base_url ?? (envBase || entry.baseURL),
    ...key,
    defaultModel: settings?.default_model ?? entry.defaultModel,
    ...(settings?.default_model ? { configuredModel: settings.default_model } : {}),
    ...(entry.smallModel ? { smallModel: entry.smallModel } : {}),
    ...(entry.defaultHeaders ? { defaultHeaders: entry.defaultHeaders } : {}),
  };
}

/** Ollama's server root: `[providers.ollama].base_url` (minus `/v1`), else OLLAMA_HOST, else localhost:11434. */
export function ollamaRoot(config: Config, env: NodeJS.ProcessEnv): string {
  const configured = config.providers.ollama?.base_url;
  if (configured) return configured.replace(/\/+$/, "").replace(/\/v1$/, "");
  const host = env.OLLAMA_HOST?.trim();
  if (!host) return "http://localhost:11434";
  // Ollama's own rule: a bare host[:port] means http on 11434.
  const withScheme = /^https?:\/\//i.test(host) ? host : `http://${host.includes(":") ? host : `${host}:11434`}`;
  const url = new URL(withScheme);
  if (url.hostname === "0.0.0.0") url.hostname = "127.0.0.1";
  return url.origin;
}

/** GET `<root>/api/tags`; the installed model names, or undefined when no Ollama answers in time. */
export async function probeOllama(root: string, timeoutMs = 500): Promise<string[] | undefined> {
  try {
    const response = await fetch(`${root}/api/tags`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { models?: Array<{ name?: unknown }> };
    if (!Array.isArray(body.models)) return undefined;
    return body.models.flatMap((model) => (typeof model.name === "string" ? [model.name] : []));
  } catch {
    return undefined;
  }
}

async function discoverOllama(options: DiscoverOptions): Promise<DiscoveredProvider | undefined> {
  const root = ollamaRoot(options.config, options.env);
  const models = await probeOllama(root, options.probeTimeoutMs);
  if (!models) return undefined;
  const settings = options.config.providers.ollama;
  return {
    id: "ollama",
    name: "Ollama",
    kind: "openai",
    baseURL: `${root}/v1`,
    apiKey: "ollama",
    source: "probe",
    keyHint: "the Ollama server (it needs no key)",
    defaultModel: settings?.default_model ?? bestOllamaModel(models),
    ...(settings?.default_model ? { configuredModel: settings.default_model } : {}),
    probedModels: models,
  };
}

function custom(id: string, settings: ProviderConfig, options: DiscoverOptions): DiscoveredProvider | undefined {
  if (!settings.base_url) {
    throw new ConfigError(`providers.${id}.base_url is required for a custom provider`, [`providers.${id}.base_url: required`]);
  }
  const key = findKey(id, settings.api_key_env ? [settings.api_key_env] : [], settings, options);
  // A named key variable that is unset means the key is missing, not that the endpoint is keyless.
  if (!key && settings.api_key_env) return undefined;
  return {
    id,
    name: id,
    kind: settings.kind,
    baseURL: settings.base_url,
    ...(key ?? { apiKey: "", source: "config", keyHint: `providers.${id}.api_key in config.toml` }),
    ...(settings.default_model ? { defaultModel: settings.default_model, configuredModel: settings.default_model } : {}),
  };
}

/** Every provider with a usable credential, in priority order. */
export async function discoverProviders(options: DiscoverOptions): Promise<DiscoveredProvider[]> {
  const found: DiscoveredProvider[] = [];
  for (const entry of CATALOG) {
    if (entry.keyless) continue;
    const provider = builtIn(entry, options);
    if (provider) found.push(provider);
  }
  const ollama = await discoverOllama(options);
  if (ollama) found.push(ollama);
  for (const [id, settings] of Object.entries(options.config.providers)) {
    if (catalogEntry(id)) continue;
    const provider = custom(id, settings, options);
    if (provider) found.push(provider);
  }
  return found.sort((a, b) => providerRank(a.id) - providerRank(b.id));
}
