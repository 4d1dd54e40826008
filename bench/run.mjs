// `npm run bench`: every figure is measured against a baseline in the same run. Prints a table; exits 0.
import { apiBench } from "./api.mjs";
import { coldStart } from "./cold-start.mjs";
import { loopOverhead } from "./loop-overhead.mjs";
import { startUp } from "./start-up.mjs";

const only = process.argv[2];
const suites = { "cold-start": () => coldStart(), "start-up": () => startUp(), loop: () => loopOverhead(), api: () => apiBench() };
const extra = await import("./channels.mjs").then((m) => ({ channels: () => m.channelBench() })).catch(() => ({}));
Object.assign(suites, extra);

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
