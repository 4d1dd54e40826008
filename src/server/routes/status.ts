import { Hono } from "hono";
import type { ChannelHealth } from "../../channels/health.js";
import type { AppDeps } from "../deps.js";
import { ApiError } from "../http-error.js";
import { truncatedText } from "../views.js";

const DAY_MS = 24 * 3600_000;

/** "ok" only when every channel is ok. */
export function overallStatus(channels: Record<string, ChannelHealth>): "ok" | "degraded" {
  return Object.values(channels).every((c) => c.state === "ok") ? "ok" : "degraded";
}

/** Channel health in the API's snake_case. */
export function channelsView(channels: Record<string, ChannelHealth>) {
  return Object.fromEntries(
    Object.entries(channels).map(([name, h]) => [
      name,
      { state: h.state, since: h.since, failures: h.failures, last_error: h.lastError ?? null, ...(h.fix ? { fix: h.fix } : {}) },
    ]),
  );
}

export function statusRoutes(deps: AppDeps): Hono {
  const app = new Hono();

  app.get("/status", (c) => {
    const today = deps.store.costSummary({ since: new Date(Date.now() - DAY_MS) });
    const running = deps.store.queue.runningIds().map((id) => {
      const t = deps.store.getTask(id);
      const description = truncatedText(t?.request.description ?? "", deps.listDescriptionChars).text;
      return { id, description, phase: t?.phase ?? null, iterations: t?.iterations ?? 0, cost_usd: t?.costUsd ?? 0 };
    });
    return c.json({
      version: deps.version,
      uptime_seconds: Math.round((Date.now() - deps.startedAt) / 1000),
      queue_depth: deps.store.queue.depth(),
      running,
      models: deps.models,
      today: { tasks: today.tasks, cost_usd: today.costUsd, tokens: today.tokens },
      current: deps.currentTask() ?? null,
      channels: channelsView(deps.channelHealth()),
    });
  });

  app.get("/cost", (c) => {
    const sinceText = c.req.query("since");
    const since = sinceText ? new Date(sinceText) : new Date(Date.now() - DAY_MS);
    if (Number.isNaN(since.getTime())) throw new ApiError(400, "VALIDATION_FAILED", "since: must be an ISO date or date-time, e.g. 2026-11-01");
    const s = deps.store.costSummary({ since });
    return c.json({
      since: since.toISOString(),
      cost_usd: s.costUsd,
      tokens: s.tokens,
      tasks: s.tasks,
      by_model: s.byModel.map((m) => ({ model: m.model, cost_usd: m.costUsd, tokens: m.tokens, calls: m.calls })),
      by_day: s.byDay.map((d) => ({ day: d.day, cost_usd: d.costUsd, tokens: d.tokens })),
    });
  });

  return app;
}
