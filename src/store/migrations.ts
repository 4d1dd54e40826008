import type Database from "better-sqlite3";
import { OpenKoiError } from "../core/errors.js";

interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Append-only: never edit a released migration, add the next number. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "initial_schema",
    sql: `
CREATE TABLE tasks (
  id TEXT PRIMARY KEY,
  description TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued','running','completed','failed','cancelled','interrupted')),
  origin_kind TEXT NOT NULL,
  origin_json TEXT NOT NULL,
  workspace TEXT NOT NULL,
  options_json TEXT NOT NULL,
  metadata_json TEXT,
  context TEXT,
  model TEXT,
  concurrency_key TEXT,
  idempotency_key TEXT UNIQUE,
  runner TEXT NOT NULL DEFAULT 'queue',
  runner_pid INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  score REAL,
  best_score REAL,
  iterations INTEGER NOT NULL DEFAULT 0,
  decision TEXT,
  cost_usd REAL NOT NULL DEFAULT 0,
  tokens INTEGER NOT NULL DEFAULT 0,
  files_changed_json TEXT NOT NULL DEFAULT '[]',
  output TEXT,
  error_code TEXT,
  error_message TEXT,
  phase TEXT
);
CREATE INDEX tasks_status_created ON tasks (status, created_at);
CREATE INDEX tasks_created ON tasks (created_at);
CREATE INDEX tasks_concurrency ON tasks (concurrency_key, status) WHERE concurrency_key IS NOT NULL;

CREATE TABLE task_iterations (
  task_id TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  iteration INTEGER NOT NULL,
  score REAL,
  decision TEXT,
  duration_ms INTEGER,
  cost_usd REAL,
  dimensions_json TEXT,
  PRIMARY KEY (task_id, iteration)
);

CREATE TABLE findings (
  id INTEGER PRIMARY KEY,
  task_id TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  iteration INTEGER NOT NULL,
  finding_id TEXT NOT NULL,
  severity TEXT NOT NULL,
  dimension TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  fix TEXT
);
CREATE INDEX findings_task ON findings (task_id, iteration);

CREATE TABLE task_events (
  task_id TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  at TEXT NOT NULL,
  data_json TEXT NOT NULL,
  PRIMARY KEY (task_id, seq)
);

CREATE TABLE usage (
  id INTEGER PRIMARY KEY,
  task_id TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  phase TEXT NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  priced INTEGER NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX usage_at ON usage (at);
CREATE INDEX usage_task ON usage (task_id);

CREATE TABLE deliveries (
  key TEXT PRIMARY KEY,
  task_id TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX deliveries_created ON deliveries (created_at);

CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  task_id TEXT,
  event TEXT NOT NULL,
  url TEXT NOT NULL,
  body TEXT,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  response_status INTEGER,
  last_error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX webhook_deliveries_task ON webhook_deliveries (task_id);
CREATE INDEX webhook_deliveries_status ON webhook_deliveries (status);

CREATE TABLE task_replies (
  task_id TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  channel TEXT NOT NULL,
  ref_json TEXT NOT NULL,
  PRIMARY KEY (task_id, channel)
);

CREATE TABLE kv (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
`,
  },
  {
    version: 2,
    name: "task_submitter",
    // Who queued a task (an API token or client, a chat or GitHub user), and how many of theirs are queued now, kept
    // by triggers in the same transaction as every status change: the per-submitter limit is one primary-key read
    // however many tasks a submitter has waiting (a counting scan grew with the backlog). Per-thread counts use
    // tasks_concurrency (concurrency_key, status) and stop at the limit.
    sql: `
ALTER TABLE tasks ADD COLUMN submitter TEXT;
CREATE TABLE queued_counts (submitter TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE TRIGGER queued_counts_insert AFTER INSERT ON tasks WHEN NEW.status = 'queued' AND NEW.submitter IS NOT NULL
BEGIN
  INSERT INTO queued_counts (submitter, n) VALUES (NEW.submitter, 1) ON CONFLICT (submitter) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER queued_counts_requeue AFTER UPDATE OF status ON tasks
  WHEN OLD.status <> 'queued' AND NEW.status = 'queued' AND NEW.submitter IS NOT NULL
BEGIN
  INSERT INTO queued_counts (submitter, n) VALUES (NEW.submitter, 1) ON CONFLICT (submitter) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER queued_counts_leave AFTER UPDATE OF status ON tasks
  WHEN OLD.status = 'queued' AND NEW.status <> 'queued' AND OLD.submitter IS NOT NULL
BEGIN
  UPDATE queued_counts SET n = n - 1 WHERE submitter = OLD.submitter;
  DELETE FROM queued_counts WHERE submitter = OLD.submitter AND n <= 0;
END;
CREATE TRIGGER queued_counts_delete AFTER DELETE ON tasks WHEN OLD.status = 'queued' AND OLD.submitter IS NOT NULL
BEGIN
  UPDATE queued_counts SET n = n - 1 WHERE submitter = OLD.submitter;
  DELETE FROM queued_counts WHERE submitter = OLD.submitter AND n <= 0;
END;
`,
  },
];

/** Applies pending migrations in one IMMEDIATE transaction, so two processes opening at once cannot both apply one. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const run = db.transaction((): number[] => {
    db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
    const row = db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get() as { v: number | null };
    const current = row.v ?? 0;
    const latest = migrations.at(-1)?.version ?? 0;
    if (current > latest) {
      throw new OpenKoiError(
        "DB_TOO_NEW",
        `The database has schema version ${current} but this openkoi knows only up to ${latest}: upgrade openkoi or point OPENKOI_DATA elsewhere`,
      );
    }
    const record = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
    const applied: number[] = [];
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
      applied.push(migration.version);
    }
    return applied;
  });
  return run.immediate();
}
