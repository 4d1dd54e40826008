import { chmodSync, closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { migrate } from "./migrations.js";

/**
 * Opens (creating if needed) the SQLite database with the house pragmas and applies pending migrations.
 * The file is private to the user: parent directory 0700, file 0600 (SQLite gives -wal/-shm the same mode).
 */
export function openDatabase(path: string): Database.Database {
  const inMemory = path === ":memory:";
  if (!inMemory) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    closeSync(openSync(path, "a", 0o600));
    chmodSync(path, 0o600);
  }
  const db = new Database(path);
  try {
    db.pragma("busy_timeout = 5000");
    if (!inMemory) db.pragma("journal_mode = WAL");
    db.pragma("foreign_keys = ON");
    db.pragma("synchronous = NORMAL");
    // better-sqlite3 builds SQLite with a 16 MB page cache per connection, which a growing history fills to the brim
    // (RSS +16 MB); the hot pages (the newest tasks, the indexes' upper levels) fit in 4 MB.
    db.pragma("cache_size = -4000");
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}
