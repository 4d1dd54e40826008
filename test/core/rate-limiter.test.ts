import { describe, expect, it } from "vitest";
import { createRateLimiter } from "../../src/core/rate-limiter.js";

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("rate limiter (token bucket per key)", () => {
  it("lets `capacity` through at once, refuses the next with the exact wait, and refills at capacity per window", () => {
    const c = clock();
    const limiter = createRateLimiter({ capacity: 3, windowMs: 60_000, now: c.now });
    expect([1, 2, 3].map(() => limiter.take("a").allowed)).toEqual([true, true, true]);
    expect(limiter.take("a")).toEqual({ allowed: false, retryAfterMs: 20_000, firstRefusal: true });
    c.advance(19_999);
    expect(limiter.take("a")).toEqual({ allowed: false, retryAfterMs: 1, firstRefusal: false });
    c.advance(1);
    expect(limiter.take("a")).toEqual({ allowed: true });
    expect(limiter.take("a")).toMatchObject({ allowed: false, firstRefusal: true });
  });

  it("keeps a bucket per key: one key's flood never limits another", () => {
    const c = clock();
    const limiter = createRateLimiter({ capacity: 2, windowMs: 1000, now: c.now });
    limiter.take("token-a");
    limiter.take("token-a");
    expect(limiter.take("token-a").allowed).toBe(false);
    expect(limiter.take("token-b")).toEqual({ allowed: true });
    expect(limiter.take("token-b")).toEqual({ allowed: true });
    expect(limiter.take("token-b").allowed).toBe(false);
  });

  it("says `firstRefusal` once per run of refusals, so a chat answers once and then stays quiet", () => {
    const c = clock();
    const limiter = createRateLimiter({ capacity: 1, windowMs: 1000, now: c.now });
    limiter.take("u");
    const refusals = [1, 2, 3].map(() => limiter.take("u"));
    expect(refusals.map((r) => !r.allowed && r.firstRefusal)).toEqual([true, false, false]);
  });

  it("holds bounded memory: idle (refilled) buckets are evicted and never more than maxKeys are kept", () => {
    const c = clock();
    const limiter = createRateLimiter({ capacity: 2, windowMs: 1000, maxKeys: 50, now: c.now });
    for (let i = 0; i < 1000; i++) limiter.take(`client-${i}`);
    expect(limiter.size()).toBe(50);
    limiter.take("busy");
    limiter.take("busy");
    expect(limiter.take("busy").allowed).toBe(false);
    // A window later every old bucket is full again (nothing to remember): 40 new clients leave only their own.
    c.advance(1000);
    for (let i = 0; i < 40; i++) limiter.take(`later-${i}`);
    expect(limiter.size()).toBe(40);
  });
});
