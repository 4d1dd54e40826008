// `npm run bench`: every figure is measured against a baseline in the same run. Prints a table; exits 0.
// `npm run bench -- --scale`: a hub after 1k/10k API tasks (memory) and over seeded 1k/10k/100k-task stores (reads),
// about ten minutes. A suite's name runs that suite alone: `node bench/run.mjs --scale memory`.
import { apiBench } from "./api.mjs";
import { coldStart } from "./cold-start.mjs";
import { loopOverhead } from "./loop-overhead.mjs";
import { startUp } from "./start-up.mjs";

const scale = process.argv.includes("--scale");
const only = process.argv.slice(2).find((arg) => !arg.startsWith("--"));
const suites = scale
  ? {
      memory: async () => (await import("./scale-memory.mjs")).memoryAtScale(),
      reads: async () => (await import("./scale-reads.mjs")).readsAtScale(),
    }
  : { "cold-start": () => coldStart(), "start-up": () => startUp(), loop: () => loopOverhead(), api: () => apiBench() };
if (!scale) {
  const extra = await import("./channels.mjs").then((m) => ({ channels: () => m.channelBench() })).catch(() => ({}));
  Object.assign(suites, extra);
}

for (const [name, suite] of Object.entries(suites)) {
  if (only && only !== name) continue;
  console.log(`\n## ${name}`);
  for (const row of await suite()) {
    let verdict = "";
    if (row.ratio !== undefined)
      verdict = ` — ${row.ratio.toFixed(2)}× (target ${row.higherIsBetter ? "≥" : "≤"} ${row.target}×) ${(row.higherIsBetter ? row.ratio >= row.target : row.ratio <= row.target) ? "OK" : "MISSED"}`;
    else if (row.absolute !== undefined) verdict = ` — target < ${row.target} ${row.absolute < row.target ? "OK" : "MISSED"}`;
    console.log(`${row.name.padEnd(48)} ${row.value}${verdict}`);
  }
}
