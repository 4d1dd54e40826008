/** Model listings cached in `<cacheDir>/<provider>-models.json` for an hour (an empty list counts as a miss). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../core/fs.js";
import type { ModelInfo } from "../core/model.js";

export interface ModelCache {
  read(provider: string, baseURL: string): ModelInfo[] | undefined;
  write(provider: string, baseURL: string, models: readonly ModelInfo[]): void;
  file(provider: string): string;
}

interface CacheFile {
  cached_at: number;
  base_url: string;
  models: ModelInfo[];
}

export const MODEL_CACHE_TTL_MS = 3_600_000;

function parse(text: string): CacheFile | undefined {
  const value: unknown = JSON.parse(text);
  if (!value || typeof value !== "object") return undefined;
  const record = value as Partial<CacheFile>;
  if (typeof record.cached_at !== "number" || !Array.isArray(record.models)) return undefined;
  return { cached_at: record.cached_at, base_url: String(record.base_url ?? ""), models: record.models };
}

export function createModelCache(cacheDir: string, options: { ttlMs?: number; now?: () => number } = {}): ModelCache {
  const ttlMs = options.ttlMs ?? MODEL_CACHE_TTL_MS;
  const now = options.now ?? Date.now;
  const file = (provider: string) => join(cacheDir, `${provider}-models.json`);
  return {
    file,
    read(provider, baseURL) {
      try {
        const cached = parse(readFileSync(file(provider), "utf8"));
        if (!cached || cached.base_url !== baseURL || cached.models.length === 0) return undefined;
        const age = now() - cached.cached_at * 1000;
        if (age < 0 || age >= ttlMs) return undefined;
        return cached.models.filter((model) => typeof model?.id === "string");
      } catch {
        return undefined;
      }
    },
    write(provider, baseURL, models) {
      if (models.length === 0) return;
      const body: CacheFile = { cached_at: Math.floor(now() / 1000), base_url: baseURL, models: [...models] };
      try {
        writeFileAtomic(file(provider), `${JSON.stringify(body, null, 2)}\n`, 0o600);
      } catch {
        // A cache is best effort: an unwritable cache dir only costs a re-listing next time.
      }
    },
  };
}
