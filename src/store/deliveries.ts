import { randomUUID } from "node:crypto";
import type Database from "better-sqlite3";

export type Clock = () => Date;

/** Inbound exactly-once: a platform delivery id is claimed once, atomically, across restarts. */
export function createDeliveryLog(db: Database.Database, now: Clock) {
  const claim = db.prepare("INSERT OR IGNORE INTO deliveries (key, task_id, created_at) VALUES (?, ?, ?)");
  const owner = db.prepare("SELECT task_id FROM deliveries WHERE key = ?");
  const prune = db.prepare("DELETE FROM deliveries WHERE created_at < ?");
  return {
    /** True the first time `key` is seen, false ever after. */
    claim: (key: string, taskId?: string): boolean => claim.run(key, taskId ?? null, now().toISOString()).changes === 1,
    /** The task a delivery was claimed for, if it named one. */
    taskOf: (key: string): string | undefined => (owner.get(key) as { task_id: string | null } | undefined)?.task_id ?? undefined,
    /** Forgets deliveries older than `before` (platforms stop retrying after minutes to days); returns how many. */
    prune: (before: Date): number => prune.run(before.toISOString()).changes,
  };
}

export type WebhookStatus = "pending" | "delivered" | "failed";

export interface WebhookDelivery {
  id: string;
  taskId?: string;
  event: string;
  url: string;
  /** The exact JSON sent (so a pending delivery can be re-sent after a restart). */
  body?: string;
  status: WebhookStatus;
  attempts: number;
  responseStatus?: number;
  lastError?: string;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookDeliveries {
  /** Journals an outbound webhook as pending before it is sent. A given id is recorded once; the stored one is returned. */
  record(input: { id?: string; taskId?: string; event: string; url: string; body?: string }): WebhookDelivery;
  /** Records one attempt's outcome (attempts + 1). `pending` means "retry later". */
  update(id: string, outcome: { status: WebhookStatus; responseStatus?: number; error?: string }): void;
  /** Newest first; `status: "pending"` is the outbox to resend at startup. */
  list(q?: { taskId?: string; status?: WebhookStatus }): WebhookDelivery[];
}

interface WebhookRow {
  id: string;
  task_id: string | null;
  event: string;
  url: string;
  body: string | null;
  status: WebhookStatus;
  attempts: number;
  response_status: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

function toDelivery(row: WebhookRow): WebhookDelivery {
  return {
    id: row.id,
    taskId: row.task_id ?? undefined,
    event: row.event,
    url: row.url,
    body: row.body ?? undefined,
    status: row.status,
    attempts: row.attempts,
    responseStatus: row.response_status ?? undefined,
    lastError: row.last_error ?? undefined,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function createWebhookDeliveries(db: Database.Database, now: Clock): WebhookDeliveries {
  const insert = db.prepare(`INSERT OR IGNORE INTO webhook_deliveries (id, task_id, event, url, body, status, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)`);
  const byId = db.prepare("SELECT * FROM webhook_deliveries WHERE id = ?");
  const update = db.prepare(`UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, response_status = ?,
    last_error = ?, updated_at = ? WHERE id = ?`);
  const list = db.prepare(`SELECT * FROM webhook_deliveries WHERE (@taskId IS NULL OR task_id = @taskId)
    AND (@status IS NULL OR status = @status) ORDER BY created_at DESC, rowid DESC`);
  return {
    record(input) {
      const id = input.id ?? randomUUID();
      const at = now().toISOString();
      insert.run(id, input.taskId ?? null, input.event, input.url, input.body ?? null, at, at);
      return toDelivery(byId.get(id) as WebhookRow);
    },
    update(id, outcome) {
      update.run(outcome.status, outcome.responseStatus ?? null, outcome.error ?? null, now().toISOString(), id);
    },
    list(q = {}) {
      return (list.all({ taskId: q.taskId ?? null, status: q.status ?? null }) as WebhookRow[]).map(toDelivery);
    },
  };
}
