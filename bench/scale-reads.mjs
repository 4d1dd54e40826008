// Read throughput of a `serve` over seeded stores of 1k, 10k and 100k completed tasks, and `openkoi status --costs`,
// each as a ratio to its 1k figure (target: within 1.5× of it at 100k).
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import autocannon from "autocannon";
import { startHub } from "./api.mjs";
import { CLI, median, tempHome, timeProcess } from "./lib.mjs";
import { seedStore } from "./seed.mjs";

const SIZES = [1000, 10_000, 100_000];
const THIRTY_DAYS_MS = 30 * 24 * 3600_000;
const READS = [
  { name: "GET /api/v1/tasks?status=queued", path: () => "/api/v1/tasks?status=queued" },
  { name: "GET /api/v1/status", path: () => "/api/v1/status" },
  { name: "GET /api/v1/cost", path: () => "/api/v1/cost" },
  { name: "GET /api/v1/cost?since=30d", path: () => `/api/v1/cost?since=${new Date(Date.now() - THIRTY_DAYS_MS).toISOString()}` },
];

function load(url, duration) {
  return new Promise((resolve, reject) => autocannon({ url, connections: 10, duration }, (err, res) => (err ? reject(err) : resolve(res))));
}

/** req/s and latencies of each read, and the median wall time of `status --costs`, over a store of `size` tasks. */
async function measureSize(size) {
  const home = tempHome();
  const seconds = seedStore(join(home, "data", "openkoi.db"), size);
  const hub = await startHub("", { home });
  const figures = { seedSeconds: seconds };
  try {
    for (const read of READS) {
      await load(`${hub.url}${read.path()}`, 1);
      const res = await load(`${hub.url}${read.path()}`, 4);
      if (res.non2xx || res.errors) throw new Error(`${read.name} at ${size} tasks: ${res.non2xx} non-2xx, ${res.errors} errors`);
      // Completed requests over the run, not the per-second samples' mean: at 100k a read can take seconds.
      figures[read.name] = { rps: res.requests.total / res.duration, p50: res.latency.p50, p99: res.latency.p99 };
    }
  } finally {
    hub.child.kill("SIGKILL");
  }
  try {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, OPENKOI_HOME: home };
    timeProcess([CLI, "status", "--costs"], env);
    figures.statusMs = median(Array.from({ length: 7 }, () => timeProcess([CLI, "status", "--costs"], env)));
  } finally {
    // 100k tasks are a few hundred MB of database.
    rmSync(dirname(home), { recursive: true, force: true });
  }
  return figures;
}

const label = (n) => (n >= 1000 ? `${n / 1000}k` : String(n));

export async function readsAtScale(sizes = SIZES) {
  const bySize = new Map();
  for (const size of sizes) bySize.set(size, await measureSize(size));
  const base = bySize.get(sizes[0]);
  const rows = sizes.map((size) => ({ name: `seed ${label(size)} completed tasks (bulk SQL)`, value: `${bySize.get(size).seedSeconds.toFixed(1)} s` }));
  for (const read of READS) {
    for (const size of sizes) {
      const f = bySize.get(size)[read.name];
      const row = {
        name: `${read.name} @ ${label(size)}`,
        value: `${f.rps < 10 ? f.rps.toFixed(1) : Math.round(f.rps)} req/s, p50 ${f.p50} ms, p99 ${f.p99} ms`,
      };
      rows.push(size === sizes[0] ? row : { ...row, ratio: f.rps / base[read.name].rps, target: 0.67, higherIsBetter: true });
    }
  }
  const node = median(Array.from({ length: 7 }, () => timeProcess(["-e", "0"], { PATH: process.env.PATH })));
  for (const size of sizes) {
    const ms = bySize.get(size).statusMs;
    const row = { name: `openkoi status --costs @ ${label(size)}`, value: `${ms.toFixed(0)} ms (${(ms / node).toFixed(1)}× node -e 0)` };
    rows.push(size === sizes[0] ? row : { ...row, ratio: ms / base.statusMs, target: 1.5 });
  }
  return rows;
}
