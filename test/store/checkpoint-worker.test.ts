/** The WAL checkpoint worker runs from sources as from dist/: the same plain-JavaScript file. */
import { statSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { openStore } from "../../src/store/index.js";
import { waitFor } from "../fakes/http.js";
import { tempDir } from "./helpers.js";

const ROWS = 200;
const ROW_BYTES = 4000;

describe("checkpointInBackground", () => {
  it("moves the WAL into the database from a worker thread, and truncates it when the store closes", async () => {
    const path = join(tempDir(), "openkoi.db");
    const store = openStore(path);
    // ~800 KB: below SQLite's in-line threshold (1000 pages), so only the worker can move these pages.
    for (let i = 0; i < ROWS; i += 1) store.kvSet(`row:${i}`, "x".repeat(ROW_BYTES));
    const before = statSync(path).size;
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(ROWS * ROW_BYTES);
    store.checkpointInBackground(10);
    expect(store.db.pragma("wal_autocheckpoint", { simple: true })).toBe(50_000);
    await waitFor(() => statSync(path).size >= before + ROWS * ROW_BYTES, 5000, "the worker's checkpoint to reach the database file");
    // A third connection stays open, so the WAL is not simply deleted by whichever connection closes last.
    const observer = new Database(path);
    expect(observer.prepare("SELECT count(*) FROM kv WHERE key LIKE 'row:%'").pluck().get()).toBe(ROWS);
    store.close();
    await waitFor(() => statSync(`${path}-wal`).size === 0, 5000, "the worker to truncate the WAL");
    observer.close();
  });

  it("stays in-line for an in-memory store", () => {
    const store = openStore(":memory:");
    store.checkpointInBackground(10);
    expect(store.db.pragma("wal_autocheckpoint", { simple: true })).toBe(1000);
    store.close();
  });
});
