/** Model resolution: `provider/model`, a bare model name, or the best available default. */
import { ConfigError } from "../core/errors.js";
import { type ModelRef, parseModelRef } from "../core/model.js";
import { catalogEntry } from "./catalog.js";
import { suggest } from "./similarity.js";

export interface ResolvableProvider {
  id: string;
  name: string;
  defaultModel?: string;
  smallModel?: string;
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

const SNAPSHOT_SUFFIX = /^-(\d{8}|\d{4}-\d{2}-\d{2}|latest)$/;

export type ModelMatch = { model: string } | { ambiguous: string[] } | { suggestions: string[] };

/** Exact, then case-insensitive, then a unique prefix; else similar ids as suggestions. */
export function matchModel(name: string, models: readonly string[]): ModelMatch {
  if (models.includes(name)) return { model: name };
  const lower = name.toLowerCase();
  const caseless = models.find((model) => model.toLowerCase() === lower);
  if (caseless) return { model: caseless };
  const prefixed = models.filter((model) => model.toLowerCase().startsWith(lower));
  const [only] = prefixed;
  if (only && prefixed.length === 1) return { model: only };
  // `claude-sonnet-4` among claude-sonnet-4-20250514 and claude-sonnet-4-5-…: the dated snapshot of that very name.
  const snapshot = prefixed
    .filter((model) => SNAPSHOT_SUFFIX.test(model.slice(name.length)))
    .sort()
    .at(-1);
  if (snapshot) return { model: snapshot };
  if (prefixed.length > 1) return { ambiguous: prefixed.slice(0, 5) };
  return { suggestions: suggest(name, models) };
}

function notFound(name: string, provider: ResolvableProvider, models: readonly string[], match: ModelMatch): ConfigError {
  if ("ambiguous" in match) {
    return new ConfigError(`Model '${name}' is ambiguous in ${provider.name}: ${match.ambiguous.join(", ")}. Name one of them.`);
  }
  const hint = "suggestions" in match && match.suggestions.length ? ` Did you mean: ${match.suggestions.join(", ")}?` : "";
  return new ConfigError(`Model '${name}' not found in ${provider.name} (${models.length} models available).${hint}`);
}

async function resolveQualified(ref: ModelRef, source: ModelSource): Promise<ModelRef> {
  const provider = source.providers.find((candidate) => candidate.id === ref.provider);
  if (!provider) throw new ConfigError(source.missingCredentials(ref.provider));
  const models = await source.listModels(provider.id);
  if (!models?.length) return ref;
  const match = matchModel(ref.model, models);
  if ("model" in match) return { provider: provider.id, model: match.model };
  throw notFound(ref.model, provider, models, match);
}

function ownsFamily(providerId: string, name: string): boolean {
  const lower = name.toLowerCase();
  return (catalogEntry(providerId)?.families ?? []).some((family) => lower.startsWith(family));
}

async function resolveBare(name: string, source: ModelSource): Promise<ModelRef> {
  if (source.providers.length === 0) throw new ConfigError(source.noCredentials());
  const listings = await Promise.all(source.providers.map(async (provider) => ({ provider, models: await source.listModels(provider.id) })));
  const lower = name.toLowerCase();
  for (const { provider, models } of listings) {
    const known = [...(models ?? []), provider.defaultModel, provider.smallModel];
    const exact = known.find((model) => model?.toLowerCase() === lower);
    if (exact) return { provider: provider.id, model: exact };
  }
  for (const { provider, models } of listings) {
    const match = models?.length ? matchModel(name, models) : undefined;
    if (match && "model" in match) return { provider: provider.id, model: match.model };
  }
  const offline = acceptOffline(name, listings);
  if (offline) return offline;
  throw notFoundAnywhere(name, listings, source);
}

type Listing = { provider: ResolvableProvider; models: string[] | undefined };

/** Offline: accept the id on a provider we could not ask, unless a provider we could ask owns its family. */
function acceptOffline(name: string, listings: readonly Listing[]): ModelRef | undefined {
  const owner = (list: readonly Listing[]) => list.find((listing) => ownsFamily(listing.provider.id, name));
  const unlisted = listings.filter((listing) => !listing.models?.length);
  const listed = listings.filter((listing) => listing.models?.length);
  const chosen = owner(unlisted) ?? (owner(listed) ? undefined : unlisted[0]);
  return chosen ? { provider: chosen.provider.id, model: name } : undefined;
}

function notFoundAnywhere(name: string, listings: readonly Listing[], source: ModelSource): ConfigError {
  const owner = listings.find((listing) => listing.models?.length && ownsFamily(listing.provider.id, name));
  if (owner?.models) return notFound(name, owner.provider, owner.models, matchModel(name, owner.models));
  const everything = listings.flatMap(({ provider, models }) => (models ?? []).map((model) => ({ provider, model })));
  const suggestions = suggest(
    name,
    everything.map((item) => item.model),
  ).map((model) => {
    const item = everything.find((candidate) => candidate.model === model);
    return item ? `${item.provider.id}/${model}` : model;
  });
  const names = source.providers.map((provider) => provider.name).join(", ");
  const hint = suggestions.length ? ` Did you mean: ${suggestions.join(", ")}?` : "";
  return new ConfigError(`Model '${name}' not found in any available provider (${names}).${hint}`);
}

/** The first available provider (priority order) with its default model. */
async function resolveDefault(source: ModelSource): Promise<ModelRef> {
  const provider = source.providers[0];
  if (!provider) throw new ConfigError(source.noCredentials());
  if (provider.defaultModel) return { provider: provider.id, model: provider.defaultModel };
  const [first] = (await source.listModels(provider.id)) ?? [];
  if (first) return { provider: provider.id, model: first };
  throw new ConfigError(`Provider '${provider.id}' has no default model: set providers.${provider.id}.default_model in config.toml`);
}

/**
 * `provider/model` is validated against that provider's list; a bare name is looked up across the available
 * providers; no spec picks the best available provider's default model.
 */
export async function resolveModel(spec: string | undefined, source: ModelSource): Promise<ModelRef> {
  const text = spec?.trim();
  if (!text) return resolveDefault(source);
  const ref = parseModelRef(text);
  if (ref && source.isKnownProvider(ref.provider)) return resolveQualified(ref, source);
  return resolveBare(text, source);
}
