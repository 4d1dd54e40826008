import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { errorMessage, LimitExceededError } from "../core/errors.js";
import { bearerAuth } from "./auth.js";
import type { AppDeps } from "./deps.js";
import { ApiError, errorBody, statusOf } from "./http-error.js";
import { clientKey, rateLimit } from "./rate-limit.js";
import { channelsView, overallStatus, statusRoutes } from "./routes/status.js";
import { taskRoutes } from "./routes/tasks.js";

export const MAX_BODY_BYTES = 1024 * 1024;

/** The id `hono/request-id` gave this request (it also sets the X-Request-Id response header). */
const requestIdOf = (c: Context) => String(c.get("requestId" as never) ?? "");

/** Mounts routes a channel adapter contributes (under /channels/<name>); each brings its own verification. */
export type RouteMounter = (app: Hono) => void;

/** The hub's HTTP app: REST API under /api/v1, channel webhooks under /channels, JSON errors everywhere. */
export function createApp(deps: AppDeps, mounts: RouteMounter[] = []): Hono {
  const app = new Hono();
  // First, so every response (errors included) carries X-Request-Id; a sane incoming id (a proxy's) is kept.
  app.use("*", requestId());
  // Answers outside a route's throw (size, unknown route) carry the request id like every other error.
  const answer = (c: Context, error: ApiError) => c.json(errorBody(error, requestIdOf(c)), error.status);
  const tooLarge = (c: Context) => answer(c, new ApiError(413, "PAYLOAD_TOO_LARGE", `The request body is larger than ${MAX_BODY_BYTES / 1024} KB.`));
  const streamingLimit = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge });
  // A declared Content-Length is checked from the header alone; only chunked bodies need the (costly) counting stream.
  app.use("*", async (c, next) => {
    const length = c.req.header("content-length");
    if (length !== undefined) return Number(length) > MAX_BODY_BYTES ? tooLarge(c) : next();
    return c.req.method === "GET" || c.req.method === "HEAD" ? next() : streamingLimit(c, next);
  });
  // Always 200 (a load balancer keeps routing to a hub whose Slack still works); the body says which channel is not ok.
  // Unauthenticated, so the error texts are left to /api/v1/status when the API has a token.
  const health = (c: { json: (v: unknown) => Response }) => {
    const channels = deps.channelHealth();
    const shown = deps.token
      ? Object.fromEntries(Object.entries(channels).map(([name, h]) => [name, { state: h.state, since: h.since }]))
      : channelsView(channels);
    return c.json({ status: overallStatus(channels), version: deps.version, channels: shown });
  };
  app.get("/health", health);
  app.get("/api/v1/health", health);
  app.use("/api/v1/*", bearerAuth(deps.token));
  if (deps.apiRate)
    app.use(
      "/api/v1/*",
      rateLimit(deps.apiRate, (c) => clientKey(c, deps.token)),
    );
  app.route("/api/v1/tasks", taskRoutes(deps));
  app.route("/api/v1", statusRoutes(deps));
  for (const mount of mounts) mount(app);
  app.notFound((c) => answer(c, new ApiError(404, "NOT_FOUND", `No route for ${c.req.method} ${c.req.path}.`)));
  app.onError((error, c) => {
    const status = statusOf(error);
    const id = requestIdOf(c);
    // A 5xx is our bug or an upstream's outage: the log line (with the stack) and the response share the id.
    if (status >= 500) {
      const stack = error instanceof Error ? (error.stack ?? error.message) : errorMessage(error);
      deps.logger.error(`request ${id}: ${c.req.method} ${c.req.path} failed with ${status}: ${errorMessage(error)}`, { request_id: id, stack });
    }
    if (error instanceof LimitExceededError && error.retryAfterMs !== undefined)
      c.header("Retry-After", String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))));
    return c.json(errorBody(error, id), status as 400);
  });
  return app;
}
