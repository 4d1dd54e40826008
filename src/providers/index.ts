/** The lazy provider registry: the one thing the rest of the app uses to reach a model. */
import type { Paths } from "../config/paths.js";
import type { Config } from "../config/schema.js";
import { ConfigError } from "../core/errors.js";
import type { ModelProvider, ModelRef, Usage } from "../core/model.js";
import { createAnthropicProvider } from "./anthropic.js";
import { allKeyVariables, CATALOG, catalogEntry } from "./catalog.js";
import { credentialFile, type DiscoveredProvider, discoverProviders, ollamaRoot } from "./credentials.js";
import { createModelCache } from "./model-cache.js";
import { chooseModel, listedDefault, type ModelChoice, type ModelSource } from "./models.js";
import { createOpenAIProvider } from "./openai.js";
import { priceUsage } from "./pricing.js";
import { type RetryOptions, withRetry } from "./retry.js";

export { CATALOG, type CatalogEntry } from "./catalog.js";
export { saveCredential } from "./credentials.js";
export type { ModelChoice } from "./models.js";
export { priceUsage } from "./pricing.js";
export type { RetryInfo, RetryOptions } from "./retry.js";

export interface AvailableProvider {
  id: string;
  source: string;
  baseURL: string;
}

export interface ProviderRegistry {
  /** Providers with credentials, in priority order, with where the credential came from ("env:ANTHROPIC_API_KEY", "file:…/anthropic.key", "probe", "config"). */
  available(): Promise<AvailableProvider[]>;
  /** A retry-wrapped provider; constructed lazily, cached. Throws ConfigError naming the env var when there is no credential. */
  get(id: string): Promise<ModelProvider>;
  /** Resolve `-m`/config/defaults into a ModelRef. */
  resolveModel(spec?: string): Promise<ModelRef>;
  /** The same, with whether the provider's list confirmed the id and a note when the name was rewritten (a prefix, a snapshot). */
  chooseModel(spec?: string): Promise<ModelChoice>;
  /** executor/evaluator/planner from [models] (falling back to the executor); small = [models].small_model, else the catalogue's small model for the executor's provider when it lists it, else the executor. */
  resolveRoles(executor: ModelRef): Promise<{ executor: ModelRef; evaluator: ModelRef; planner: ModelRef; small: ModelRef }>;
  price(ref: ModelRef, usage: Usage): { costUsd: number; priced: boolean };
}

export interface ProviderRegistryOptions {
  config: Config;
  paths: Paths;
  env?: NodeJS.ProcessEnv;
  retry?: RetryOptions;
  /** Ollama probe timeout (default 500 ms). */
  probeTimeoutMs?: number;
  /** Timeout for listing a provider's models while resolving a name (default 5 s); a slow listing never blocks. */
  listTimeoutMs?: number;
}

function construct(found: DiscoveredProvider): ModelProvider {
  const common = { id: found.id, name: found.name, baseURL: found.baseURL, apiKey: found.apiKey || "none", keyHint: found.keyHint };
  if (found.kind === "anthropic") return createAnthropicProvider(common);
  return createOpenAIProvider(found.defaultHeaders ? { ...common, defaultHeaders: found.defaultHeaders } : common);
}

function missingCredentials(id: string, options: ProviderRegistryOptions, env: NodeJS.ProcessEnv): string {
  const entry = catalogEntry(id);
  if (id === "ollama") {
    const root = ollamaRoot(options.config, env);
    return `Ollama is not answering at ${root}: start it with \`ollama serve\`, or set providers.ollama.base_url or OLLAMA_HOST`;
  }
  const settings = options.config.providers[id];
  if (!entry && !settings) {
    return `Unknown provider '${id}': use one of ${allProviderIds(options).join(", ")}, or define [providers.${id}] with base_url in config.toml`;
  }
  const variables = entry?.envKeys ?? (settings?.api_key_env ? [settings.api_key_env] : []);
  const setVar = variables.length ? `set ${variables.join(" or ")}, ` : "";
  const file = credentialFile(options.paths, id);
  return `No credentials for ${entry?.name ?? id}: ${setVar}set providers.${id}.api_key in config.toml, or save a key to ${file}`;
}

function allProviderIds(options: ProviderRegistryOptions): string[] {
  return [...new Set([...CATALOG.map((entry) => entry.id), ...Object.keys(options.config.providers)])];
}

function noCredentials(options: ProviderRegistryOptions): string {
  return [
    "No model provider found.",
    `Set an API key in the environment (${allKeyVariables().join(", ")}),`,
    `save one to ${options.paths.credentialsDir}/<provider>.key, or start Ollama (http://localhost:11434).`,
    "Run `openkoi doctor` to see what was found.",
  ].join(" ");
}

/** Discovery (once per registry) and the unwrapped, SDK-backed providers it yields (once each). */
interface Pool {
  discover(): Promise<DiscoveredProvider[]>;
  find(id: string): Promise<DiscoveredProvider>;
  raw(found: DiscoveredProvider): ModelProvider;
}

function createPool(options: ProviderRegistryOptions, env: NodeJS.ProcessEnv): Pool {
  let discovered: Promise<DiscoveredProvider[]> | undefined;
  const built = new Map<string, ModelProvider>();
  const discover = () => (discovered ??= discoverProviders({ ...options, env }));
  return {
    discover,
    async find(id) {
      const found = (await discover()).find((provider) => provider.id === id);
      if (!found) throw new ConfigError(missingCredentials(id, options, env));
      return found;
    },
    raw(found) {
      const provider = built.get(found.id) ?? construct(found);
      built.set(found.id, provider);
      return provider;
    },
  };
}

/** Model ids for resolution: the probe's list, the hour-long cache, or one short listing; undefined when offline. */
function createModelLister(pool: Pool, options: ProviderRegistryOptions): (id: string) => Promise<string[] | undefined> {
  const cache = createModelCache(options.paths.cacheDir);
  return async (id) => {
    const found = await pool.find(id);
    if (found.probedModels?.length) return found.probedModels;
    const cached = cache.read(id, found.baseURL);
    if (cached) return cached.map((model) => model.id);
    try {
      // Unwrapped on purpose: resolving a name must not sit through 8 retries when offline.
      const models = await pool.raw(found).listModels(AbortSignal.timeout(options.listTimeoutMs ?? 5000));
      cache.write(id, found.baseURL, models);
      return models.map((model) => model.id);
    } catch {
      return undefined;
    }
  };
}

export function createProviderRegistry(options: ProviderRegistryOptions): ProviderRegistry {
  const env = options.env ?? process.env;
  const pool = createPool(options, env);
  const wrapped = new Map<string, Promise<ModelProvider>>();
  const source: Omit<ModelSource, "providers"> = {
    listModels: createModelLister(pool, options),
    isKnownProvider: (id) => Boolean(catalogEntry(id) || options.config.providers[id]),
    missingCredentials: (id) => missingCredentials(id, options, env),
    noCredentials: () => noCredentials(options),
  };
  const choose = async (spec?: string) => chooseModel(spec ?? options.config.models.executor, { ...source, providers: await pool.discover() });
  const resolve = async (spec?: string) => (await choose(spec)).ref;

  return {
    available: async () => (await pool.discover()).map(({ id, source: from, baseURL }) => ({ id, source: from, baseURL })),
    get(id) {
      const existing = wrapped.get(id);
      if (existing) return existing;
      const created = pool.find(id).then((found) => withRetry(pool.raw(found), options.retry));
      wrapped.set(id, created);
      created.catch(() => wrapped.delete(id));
      return created;
    },
    resolveModel: resolve,
    chooseModel: choose,
    async resolveRoles(executor) {
      const { evaluator, planner, small_model: small } = options.config.models;
      const found = (await pool.discover()).find((provider) => provider.id === executor.provider);
      const catalogueSmall = found?.smallModel ? await listedDefault({ provider: executor.provider, model: found.smallModel }, source) : undefined;
      const smallDefault = catalogueSmall ?? executor;
      return {
        executor,
        evaluator: evaluator ? await resolve(evaluator) : executor,
        planner: planner ? await resolve(planner) : executor,
        small: small ? await resolve(small) : smallDefault,
      };
    },
    price: (ref, usage) => priceUsage(ref.provider, ref.model, usage),
  };
}
