import { createHash } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { LimitExceededError } from "../core/errors.js";
import type { RateLimiter } from "../core/rate-limiter.js";

function remoteAddress(c: Context): string {
  // @hono/node-server passes the Node request as env.incoming; in-process app.request() has none.
  const env: unknown = c.env;
  const incoming = typeof env === "object" && env !== null && "incoming" in env ? (env.incoming as { socket?: { remoteAddress?: string } }) : undefined;
  return incoming?.socket?.remoteAddress ?? "local";
}

/**
 * Who is asking, for per-client limits: with `[api].token` set, the token presented (already checked by the auth
 * middleware; hashed, so no secret sits in memory twice); without one, the client's address, since any other
 * header is the client's own choice and would let it pick a fresh bucket per request.
 */
export function clientKey(c: Context, token: string | undefined): string {
  if (!token) return `addr:${remoteAddress(c)}`;
  const header = c.req.header("authorization") ?? "";
  return `token:${createHash("sha256").update(header.slice(7).trim()).digest("hex").slice(0, 16)}`;
}

/** [limits].api_requests_per_minute: over it, 429 RATE_LIMITED with Retry-After (set by the app's error handler). */
export function rateLimit(limiter: RateLimiter, keyOf: (c: Context) => string): MiddlewareHandler {
  return async (c, next) => {
    const decision = limiter.take(keyOf(c));
    if (decision.allowed) return next();
    const seconds = Math.ceil(decision.retryAfterMs / 1000);
    throw new LimitExceededError("RATE_LIMITED", `Too many requests (limits.api_requests_per_minute); retry in ${seconds} s.`, 429, decision.retryAfterMs);
  };
}
