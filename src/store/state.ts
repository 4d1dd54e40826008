import type Database from "better-sqlite3";
import type { Clock } from "./deliveries.js";

/** Where a task's chat reply lives, per channel, so a re-run edits that message instead of posting another. */
export function createReplyRefs(db: Database.Database) {
  const get = db.prepare("SELECT ref_json FROM task_replies WHERE task_id = ? AND channel = ?");
  const save = db.prepare(`INSERT INTO task_replies (task_id, channel, ref_json) VALUES (?, ?, ?)
    ON CONFLICT (task_id, channel) DO UPDATE SET ref_json = excluded.ref_json`);
  return {
    get: (taskId: string, channel: string): unknown => {
      const row = get.get(taskId, channel) as { ref_json: string } | undefined;
      return row ? (JSON.parse(row.ref_json) as unknown) : undefined;
    },
    save: (taskId: string, channel: string, ref: unknown): void => void save.run(taskId, channel, JSON.stringify(ref ?? null)),
  };
}

/** Small durable state ("digest sent for window X"). */
export function createKv(db: Database.Database, now: Clock) {
  const get = db.prepare("SELECT value FROM kv WHERE key = ?");
  const set = db.prepare(`INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`);
  return {
    get: (key: string): string | undefined => (get.get(key) as { value: string } | undefined)?.value,
    set: (key: string, value: string): void => void set.run(key, value, now().toISOString()),
  };
}
