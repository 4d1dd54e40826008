// @ts-check
/**
 * Runs in a worker thread: checkpoints the WAL on its own connection so the hub's event loop never stalls on the
 * fsync a checkpoint needs (SQLite would otherwise run it inside whichever commit crossed the threshold).
 * Plain JavaScript, copied to dist/ as it is: Node 20 cannot load TypeScript in a worker thread, and one file
 * means the worker the tests run (from src/) is the worker that ships.
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

/** @type {{ path: string; intervalMs: number }} */
const { path, intervalMs } = workerData;
const db = new Database(path);
db.pragma("busy_timeout = 5000");
/** @param {"PASSIVE" | "TRUNCATE"} mode */
const checkpoint = (mode) => {
  try {
    db.pragma(`wal_checkpoint(${mode})`);
  } catch {
    // Busy or locked: the next round catches up; the main connection's high threshold is the safety net.
  }
};
const timer = setInterval(() => checkpoint("PASSIVE"), intervalMs);
parentPort?.on("message", (message) => {
  if (message !== "stop") return;
  clearInterval(timer);
  checkpoint("TRUNCATE");
  db.close();
  parentPort?.close();
});
