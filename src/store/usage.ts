import type Database from "better-sqlite3";
import type { EventOf } from "../core/events.js";

export interface CostSummary {
  costUsd: number;
  tokens: number;
  /** Tasks with at least one model call in the window. */
  tasks: number;
  /** `provider/model`, most expensive first. */
  byModel: Array<{ model: string; costUsd: number; tokens: number; calls: number }>;
  /** UTC days (YYYY-MM-DD), oldest first. */
  byDay: Array<{ day: string; costUsd: number; tokens: number }>;
}

/** Returns the writer the projection calls for `usage.recorded` (inside its transaction). */
export function createUsageWriter(db: Database.Database): (event: EventOf<"usage.recorded">) => void {
  const insert = db.prepare(`INSERT INTO usage (task_id, phase, provider, model, input_tokens, output_tokens, cost_usd, priced, at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const total = db.prepare("UPDATE tasks SET cost_usd = cost_usd + ?, tokens = tokens + ? WHERE id = ?");
  return (e) => {
    insert.run(e.taskId, e.phase, e.provider, e.model, e.inputTokens, e.outputTokens, e.costUsd, e.priced ? 1 : 0, e.at);
    total.run(e.costUsd, e.inputTokens + e.outputTokens, e.taskId);
  };
}

export function createCostSummary(db: Database.Database): (q: { since: Date }) => CostSummary {
  const tokens = "input_tokens + output_tokens";
  const totals = db.prepare(`SELECT COALESCE(SUM(cost_usd), 0) AS costUsd, COALESCE(SUM(${tokens}), 0) AS tokens,
    COUNT(DISTINCT task_id) AS tasks FROM usage WHERE at >= ?`);
  const byModel = db.prepare(`SELECT provider || '/' || model AS model, SUM(cost_usd) AS costUsd, SUM(${tokens}) AS tokens,
    COUNT(*) AS calls FROM usage WHERE at >= ? GROUP BY provider, model ORDER BY costUsd DESC, model`);
  const byDay = db.prepare(`SELECT substr(at, 1, 10) AS day, SUM(cost_usd) AS costUsd, SUM(${tokens}) AS tokens
    FROM usage WHERE at >= ? GROUP BY day ORDER BY day`);
  return ({ since }) => {
    const from = since.toISOString();
    const head = totals.get(from) as { costUsd: number; tokens: number; tasks: number };
    return {
      ...head,
      byModel: byModel.all(from) as CostSummary["byModel"],
      byDay: byDay.all(from) as CostSummary["byDay"],
    };
  };
}
