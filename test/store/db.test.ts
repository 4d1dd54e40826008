import { statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/store/db.js";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { tempDir } from "./helpers.js";

describe("openDatabase", () => {
  it("creates a private file with the house pragmas", () => {
    const dir = join(tempDir(), "nested", "data");
    const path = join(dir, "openkoi.db");
    const db = openDatabase(path);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(db.pragma("busy_timeout", { simple: true })).toBe(5000);
    expect(db.pragma("synchronous", { simple: true })).toBe(1);
    // 4 MB of page cache, not the 16 MB better-sqlite3 builds in: a growing history would fill it all (RSS).
    expect(db.pragma("cache_size", { simple: true })).toBe(-4000);
    db.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it("applies each migration once, however often it is reopened", () => {
    const path = join(tempDir(), "openkoi.db");
    for (let i = 0; i < 3; i += 1) openDatabase(path).close();
    const db = openDatabase(path);
    const rows = db.prepare("SELECT version, name FROM schema_migrations ORDER BY version").all();
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(["tasks", "task_iterations", "findings", "task_events", "usage", "deliveries"]));
    expect(tables).toEqual(expect.arrayContaining(["webhook_deliveries", "task_replies", "kv", "schema_migrations"]));
    db.close();
  });

  it("refuses a database written by a newer schema", () => {
    const path = join(tempDir(), "openkoi.db");
    const db = openDatabase(path);
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'now')").run();
    db.close();
    expect(() => openDatabase(path)).toThrow(/schema version 999.*upgrade openkoi/);
  });

  it("opens an in-memory database", () => {
    const db = openDatabase(":memory:");
    expect(db.prepare("SELECT COUNT(*) FROM schema_migrations").pluck().get()).toBe(MIGRATIONS.length);
    db.close();
  });
});
