/**
 * Runs in a worker thread: checkpoints the WAL on its own connection so the hub's event loop never stalls on the
 * fsync a checkpoint needs (SQLite would otherwise run it inside whichever commit crossed the threshold).
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

const { path, intervalMs } = workerData as { path: string; intervalMs: number };
const db = new Database(path);
db.pragma("busy_timeout = 5000");
const checkpoint = (mode: "PASSIVE" | "TRUNCATE") => {
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
