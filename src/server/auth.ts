import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { ApiError } from "./http-error.js";

/** Constant-time comparison: both sides hashed first so lengths never leak either. */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** Bearer-token auth for the API when `[api].token` is set. */
export function bearerAuth(token: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (!token) return next();
    const header = c.req.header("authorization") ?? "";
    const given = header.startsWith("Bearer ") ? header.slice(7).trim() : "";
    if (!given || !safeEqual(given, token)) {
      throw new ApiError(401, "UNAUTHORIZED", "Missing or invalid bearer token: send Authorization: Bearer <api.token>.");
    }
    return next();
  };
}
