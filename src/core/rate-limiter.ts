/**
 * A token bucket per key (an API token, a client address, a chat user): `capacity` requests at once, refilled at
 * `capacity` per `windowMs`. Memory stays bounded: a bucket that has refilled completely holds nothing worth
 * keeping and is evicted; past `maxKeys` the least recently used bucket goes (Map order is kept as LRU).
 */
export interface RateLimiterOptions {
  capacity: number;
  windowMs: number;
  maxKeys?: number;
  now?: () => number;
}

export type RateDecision =
  | { allowed: true }
  /** `firstRefusal`: the first refusal since the key was last allowed, so a chat can answer once and then stay quiet. */
  | { allowed: false; retryAfterMs: number; firstRefusal: boolean };

export interface RateLimiter {
  take(key: string): RateDecision;
  /** Buckets held (for tests and the memory bound). */
  size(): number;
}

interface Bucket {
  tokens: number;
  at: number;
  refused: boolean;
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { capacity, windowMs, maxKeys = 10_000 } = options;
  const now = options.now ?? Date.now;
  const perMs = capacity / windowMs;
  const buckets = new Map<string, Bucket>();
  const refill = (bucket: Bucket, t: number) => {
    bucket.tokens = Math.min(capacity, bucket.tokens + (t - bucket.at) * perMs);
    bucket.at = t;
  };
  // Sweeps a bounded prefix of the LRU order (the idlest buckets), so each take costs O(1) amortised.
  const evict = (t: number) => {
    let looked = 0;
    for (const [key, bucket] of buckets) {
      if (looked++ >= 16 && buckets.size < maxKeys) break;
      refill(bucket, t);
      if (bucket.tokens >= capacity || buckets.size >= maxKeys) buckets.delete(key);
    }
  };
  return {
    take(key) {
      const t = now();
      const bucket = buckets.get(key) ?? { tokens: capacity, at: t, refused: false };
      buckets.delete(key);
      evict(t);
      refill(bucket, t);
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        bucket.refused = false;
        return { allowed: true };
      }
      const firstRefusal = !bucket.refused;
      bucket.refused = true;
      return { allowed: false, retryAfterMs: Math.ceil((1 - bucket.tokens) / perMs), firstRefusal };
    },
    size: () => buckets.size,
  };
}
