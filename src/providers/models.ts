/** Model resolution: `provider/model`, a bare model name, or the best available default. */
import { ConfigError } from "../core/errors.js";
import { formatModelRef, type ModelRef, parseModelRef } from "../core/model.js";
import { CATALOG, catalogEntry } from "./catalog.js";
import { listedAs, pickDefault, SNAPSHOT_SUFFIX } from "./default-model.js";
import { knownModelNames } from "./pricing.js";
import { suggest } from "./similarity.js";

export interface ResolvableProvider {
  id: string;
  name: string;
  defaultModel?: string;
  smallModel?: string;
  /** `[providers.<id>].default_model`: the user's own choice, checked like a named model. */
  configuredModel?: string;
}

export interface ModelSource {
  /** Providers with credentials, in priority order. */
  providers: readonly ResolvableProvider[];
  /** Model ids of a provider; undefined when the listing failed (offline): then any id is accepted. */
  listModels(provider: string): Promise<string[] | undefined>;
  /** A provider id that exists (catalogue or config), to tell `provider/model` from a vendor-prefixed model name. */
  isKnownProvider(id: string): boolean;
  /** The actionable message for a known provider that has no credentials. */
  missingCredentials(id: string): string;
  /** The message when no provider has credentials at all. */
  noCredentials(): string;
}

/** A resolved model and what the user should hear about it. */
export interface ModelChoice {
  ref: ModelRef;
  /** True when the provider's own model list contains the id; false when no list could be had (offline). */
  verified: boolean;
  /** Set when the id differs from the name given (a prefix, a dated snapshot, another case): say so. */
  note?: string;
}

type How = "exact" | "case" | "prefix" | "snapshot";

export type ModelMatch = { model: string; how: How } | { ambiguous: string[] } | { suggestions: string[] };

/** Exact, then case-insensitive, then a unique prefix; else similar ids as suggestions. */
export function matchModel(name: string, models: readonly string[]): ModelMatch {
  if (models.includes(name)) return { model: name, how: "exact" };
  const lower = name.toLowerCase();
  const caseless = models.find((model) => model.toLowerCase() === lower);
  if (caseless) return { model: caseless, how: "case" };
  const prefixed = models.filter((model) => model.toLowerCase().startsWith(lower));
  const [only] = prefixed;
  if (only && prefixed.length === 1) return { model: only, how: "prefix" };
  // `claude-sonnet-4` among claude-sonnet-4-20250514 and claude-sonnet-4-5-…: the dated snapshot of that very name.
  const snapshot = prefixed
    .filter((model) => SNAPSHOT_SUFFIX.test(model.slice(name.length)))
    .sort()
    .at(-1);
  if (snapshot) return { model: snapshot, how: "snapshot" };
  if (prefixed.length > 1) return { ambiguous: prefixed.slice(0, 5) };
  return { suggestions: suggest(name, models) };
}

const HOW: Record<Exclude<How, "exact">, (name: string) => string> = {
  case: () => "the same name in another case",
  prefix: (name) => `the only model whose name starts with '${name}'`,
  snapshot: () => "its newest dated snapshot",
};

/** `typed` is what the user wrote (`openai/fake-larg`), `name` its model part (`fake-larg`). */
function chosen(typed: string, name: string, ref: ModelRef, how: How): ModelChoice {
  if (how === "exact") return { ref, verified: true };
  return { ref, verified: true, note: `model '${typed}' resolved to ${formatModelRef(ref)} (${HOW[how](name)})` };
}

function notFound(name: string, provider: ResolvableProvider, models: readonly string[], match: ModelMatch): ConfigError {
  if ("ambiguous" in match) {
    return new ConfigError(`Model '${name}' is ambiguous in ${provider.name}: ${match.ambiguous.join(", ")}. Name one of them.`);
  }
  const hint = "suggestions" in match && match.suggestions.length ? ` Did you mean: ${match.suggestions.join(", ")}?` : "";
  return new ConfigError(`Model '${name}' not found in ${provider.name} (${models.length} models available).${hint}`);
}

async function resolveQualified(ref: ModelRef, source: ModelSource, asked = formatModelRef(ref)): Promise<ModelChoice> {
  const provider = source.providers.find((candidate) => candidate.id === ref.provider);
  if (!provider) throw new ConfigError(source.missingCredentials(ref.provider));
  const models = await source.listModels(provider.id);
  if (!models?.length) return { ref, verified: false };
  const match = matchModel(ref.model, models);
  if ("model" in match) return chosen(asked, ref.model, { provider: provider.id, model: match.model }, match.how);
  throw notFound(ref.model, provider, models, match);
}

function ownsFamily(providerId: string, name: string): boolean {
  const lower = name.toLowerCase();
  return (catalogEntry(providerId)?.families ?? []).some((family) => lower.startsWith(family));
}

type Listing = { provider: ResolvableProvider; models: string[] | undefined };

async function resolveBare(name: string, source: ModelSource): Promise<ModelChoice> {
  if (source.providers.length === 0) throw new ConfigError(source.noCredentials());
  const listings = await Promise.all(source.providers.map(async (provider) => ({ provider, models: await source.listModels(provider.id) })));
  const lower = name.toLowerCase();
  for (const { provider, models } of listings) {
    // The catalogue's defaults stand in for a list only when there is none: a listed endpoint decides what exists.
    const known = models?.length ? models : [provider.defaultModel, provider.smallModel];
    const exact = known.find((model) => model?.toLowerCase() === lower);
    if (exact) return { ref: { provider: provider.id, model: exact }, verified: Boolean(models?.length) };
  }
  for (const { provider, models } of listings) {
    const match = models?.length ? matchModel(name, models) : undefined;
    if (match && "model" in match) return chosen(name, name, { provider: provider.id, model: match.model }, match.how);
  }
  const offline = acceptOffline(name, listings);
  if (offline) return { ref: offline, verified: false };
  throw notFoundAnywhere(name, listings, source);
}

/** Offline: accept the id on a provider we could not ask, unless a provider we could ask owns its family. */
function acceptOffline(name: string, listings: readonly Listing[]): ModelRef | undefined {
  const owner = (list: readonly Listing[]) => list.find((listing) => ownsFamily(listing.provider.id, name));
  const unlisted = listings.filter((listing) => !listing.models?.length);
  const listed = listings.filter((listing) => listing.models?.length);
  const pick = owner(unlisted) ?? (owner(listed) ? undefined : unlisted[0]);
  return pick ? { provider: pick.provider.id, model: name } : undefined;
}

/** Models of the catalogue's providers that have no credentials: their defaults and the priced vendor names they own. */
function unavailableModels(available: readonly Listing[]): Array<{ provider: string; model: string }> {
  const have = new Set(available.map((listing) => listing.provider.id));
  const names = knownModelNames();
  return CATALOG.filter((entry) => !have.has(entry.id) && !entry.keyless).flatMap((entry) =>
    [...new Set([entry.defaultModel, entry.smallModel, ...names.filter((name) => ownsFamily(entry.id, name))])]
      .filter((model): model is string => Boolean(model))
      .map((model) => ({ provider: entry.id, model })),
  );
}

/** Every provider's list searched: the available ones' listings, then what the catalogue knows of the others (naming their missing key). */
function notFoundAnywhere(name: string, listings: readonly Listing[], source: ModelSource): ConfigError {
  const owner = listings.find((listing) => listing.models?.length && ownsFamily(listing.provider.id, name));
  if (owner?.models) return notFound(name, owner.provider, owner.models, matchModel(name, owner.models));
  const listed = listings.flatMap(({ provider, models }) => (models ?? []).map((model) => ({ provider: provider.id, model })));
  const elsewhere = unavailableModels(listings);
  const everything = [...listed, ...elsewhere];
  const picked = suggest(
    name,
    everything.map((item) => item.model),
  ).flatMap((model) => everything.filter((item) => item.model === model));
  const suggestions = [...new Set(picked.map((item) => formatModelRef(item)))].slice(0, 5);
  const family = CATALOG.find((entry) => ownsFamily(entry.id, name))?.id;
  const locked = new Set([...picked.map((item) => item.provider), ...(family ? [family] : [])].filter((id) => elsewhere.some((e) => e.provider === id)));
  const names = source.providers.map((provider) => provider.name).join(", ");
  const hint = suggestions.length ? ` Did you mean: ${suggestions.join(", ")}?` : "";
  const keys = [...locked].slice(0, 2).map((id) => ` ${source.missingCredentials(id)}.`);
  return new ConfigError(`Model '${name}' not found in any available provider (${names}).${hint}${keys.join("")}`);
}

/** The first available provider (priority order) and the best model it actually lists; its configured default_model is checked like a named one. */
async function resolveDefault(source: ModelSource): Promise<ModelChoice> {
  const provider = source.providers[0];
  if (!provider) throw new ConfigError(source.noCredentials());
  if (provider.configuredModel) {
    const ref = { provider: provider.id, model: provider.configuredModel };
    return resolveQualified(ref, source).catch((error: unknown) => {
      throw error instanceof ConfigError ? new ConfigError(`providers.${provider.id}.default_model: ${error.message}`) : error;
    });
  }
  const models = await source.listModels(provider.id);
  const picked = models?.length ? pickDefault(models, provider.defaultModel) : undefined;
  if (picked) return { ref: { provider: provider.id, model: picked }, verified: true };
  if (provider.defaultModel) return { ref: { provider: provider.id, model: provider.defaultModel }, verified: false };
  throw new ConfigError(`Provider '${provider.id}' has no default model: set providers.${provider.id}.default_model in config.toml`);
}

/** A role's catalogue model (the small one) if the provider lists it (or cannot be asked), else undefined. */
export async function listedDefault(ref: ModelRef, source: Pick<ModelSource, "listModels">): Promise<ModelRef | undefined> {
  const models = await source.listModels(ref.provider);
  if (!models?.length) return ref;
  const listed = listedAs(ref.model, models);
  return listed ? { provider: ref.provider, model: listed } : undefined;
}

/**
 * `provider/model` is validated against that provider's list; a bare name is looked up across the available
 * providers; no spec picks the best model the best available provider lists.
 */
export async function chooseModel(spec: string | undefined, source: ModelSource): Promise<ModelChoice> {
  const text = spec?.trim();
  if (!text) return resolveDefault(source);
  const ref = parseModelRef(text);
  if (ref && source.isKnownProvider(ref.provider)) return resolveQualified(ref, source, text);
  return resolveBare(text, source);
}
