// Cold start: `openkoi --version` and `openkoi status` against `node -e 0`, medians of N fresh processes.
import { CLI, median, tempHome, timeProcess } from "./lib.mjs";

export async function coldStart(runs = 15) {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, OPENKOI_HOME: tempHome() };
  // `status` reads a real database (as after any task), not the "no tasks yet" shortcut.
  const { openStore } = await import("../dist/store/index.js");
  openStore(`${env.OPENKOI_HOME}/data/openkoi.db`).close();
  const { mkdirSync, writeFileSync } = await import("node:fs");
  mkdirSync(`${env.OPENKOI_HOME}/state`, { recursive: true });
  const entry = (i) => ({
    task_id: `t${i}`,
    description: `task ${i}`,
    status: "completed",
    iterations: 2,
    total_tokens: 12345,
    cost_usd: 0.01,
    final_score: 0.9,
    completed_at: new Date(Date.now() - i * 60_000).toISOString(),
  });
  writeFileSync(`${env.OPENKOI_HOME}/state/task-history.jsonl`, `${Array.from({ length: 500 }, (_, i) => JSON.stringify(entry(500 - i))).join("\n")}\n`);
  timeProcess([CLI, "status"], env); // creates nothing, but warms the file cache
  const rounds = { node: [], version: [], status: [] };
  // Interleave so machine noise hits all three alike.
  for (let i = 0; i < runs; i++) {
    rounds.node.push(timeProcess(["-e", "0"], env));
    rounds.version.push(timeProcess([CLI, "--version"], env));
    rounds.status.push(timeProcess([CLI, "status"], env));
  }
  const node = median(rounds.node);
  const version = median(rounds.version);
  const status = median(rounds.status);
  return [
    { name: "node -e 0 (baseline)", value: `${node.toFixed(1)} ms` },
    { name: "openkoi --version", value: `${version.toFixed(1)} ms`, ratio: version / node, target: 1.3 },
    { name: "openkoi status", value: `${status.toFixed(1)} ms`, ratio: status / node, target: 1.6 },
  ];
}
