import type Database from "better-sqlite3";

/** Queries about a chat thread (its concurrency key) and a chat user, for context and budgets. */
export interface ThreadQueries {
  /** Earlier finished tasks in the thread, oldest first: what was asked and what was answered. */
  history(concurrencyKey: string, limit: number): Array<{ description: string; output: string | undefined; status: string }>;
  /** Whether the bot has taken a task in this thread (follow-ups then need no mention). */
  engaged(concurrencyKey: string): boolean;
  /** The task currently queued or running in the thread, if any (newest). */
  active(concurrencyKey: string): string | undefined;
  costOfThread(concurrencyKey: string): number;
  costOfUserSince(originKind: string, user: string, since: Date): number;
}

export function createThreadQueries(db: Database.Database): ThreadQueries {
  const history = db.prepare(`SELECT description, output, status FROM tasks WHERE concurrency_key = ?
    AND status IN ('completed','failed','cancelled','interrupted') ORDER BY created_at DESC, rowid DESC LIMIT ?`);
  const active = db.prepare(`SELECT id FROM tasks WHERE concurrency_key = ? AND status IN ('queued','running')
    ORDER BY CASE status WHEN 'running' THEN 0 ELSE 1 END, created_at DESC LIMIT 1`);
  const engaged = db.prepare("SELECT 1 FROM tasks WHERE concurrency_key = ? LIMIT 1");
  const threadCost = db.prepare("SELECT COALESCE(SUM(cost_usd), 0) AS c FROM tasks WHERE concurrency_key = ?");
  const userCost = db.prepare(`SELECT COALESCE(SUM(cost_usd), 0) AS c FROM tasks WHERE origin_kind = ?
    AND json_extract(origin_json, '$.user') = ? AND created_at >= ?`);
  return {
    history: (key, limit) =>
      (history.all(key, limit) as Array<{ description: string; output: string | null; status: string }>)
        .reverse()
        .map((r) => ({ description: r.description, output: r.output ?? undefined, status: r.status })),
    engaged: (key) => engaged.get(key) !== undefined,
    active: (key) => (active.get(key) as { id: string } | undefined)?.id,
    costOfThread: (key) => (threadCost.get(key) as { c: number }).c,
    costOfUserSince: (kind, user, since) => (userCost.get(kind, user, since.toISOString()) as { c: number }).c,
  };
}
