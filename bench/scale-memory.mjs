// RSS of `openkoi serve` (no channels) after 0, 1,000 and 10,000 API tasks against an instant model, each run to the end.
// RSS is read twice: at once (V8 has not yet given back the garbage of the burst) and after SETTLE_MS of idleness
// (V8's memory reducer has run); the target is on the settled figure.
import { startHub } from "./api.mjs";
import { startInstantModel } from "./instant-model.mjs";
import { rssMb } from "./lib.mjs";

const SETTLE_MS = 40_000;
const AHEAD = 20;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function status(url) {
  return (await fetch(`${url}/api/v1/status`)).json();
}

async function submit(url) {
  const res = await fetch(`${url}/api/v1/tasks`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"description":"benchmark task"}' });
  if (res.status !== 202) throw new Error(`POST /api/v1/tasks answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
}

/** Submits until `total` tasks were sent, keeping about AHEAD queued, then waits until every one has finished. */
async function runTasks(url, sent, total) {
  while (sent < total) {
    const batch = Math.min(AHEAD, total - sent);
    await Promise.all(Array.from({ length: batch }, () => submit(url)));
    sent += batch;
    while ((await status(url)).queue_depth >= AHEAD / 2) await sleep(5);
  }
  for (;;) {
    const s = await status(url);
    if (s.queue_depth === 0 && s.running.length === 0) break;
    await sleep(100);
  }
  const failed = await (await fetch(`${url}/api/v1/tasks?status=failed&limit=1`)).json();
  if (failed.tasks.length) throw new Error(`a benchmark task failed: ${JSON.stringify(failed.tasks[0]).slice(0, 300)}`);
  return sent;
}

async function measure(pid) {
  await sleep(1000);
  const atOnce = rssMb(pid);
  await sleep(SETTLE_MS);
  return { atOnce, settled: rssMb(pid) };
}

export async function memoryAtScale(stages = [1000, 10_000]) {
  const model = await startInstantModel();
  const hub = await startHub("", { modelUrl: model.url });
  try {
    await sleep(1500);
    const idle = rssMb(hub.child.pid);
    const rows = [{ name: "RSS of openkoi serve, idle (0 tasks)", value: `${idle.toFixed(1)} MB` }];
    let sent = 0;
    for (const stage of stages) {
      const started = Date.now();
      const before = sent;
      sent = await runTasks(hub.url, sent, stage);
      const seconds = (Date.now() - started) / 1000;
      const { atOnce, settled } = await measure(hub.child.pid);
      rows.push({
        name: `RSS after ${stage.toLocaleString("en-US")} tasks`,
        value: `${settled.toFixed(1)} MB settled (+${(settled - idle).toFixed(1)} MB over idle), ${atOnce.toFixed(1)} MB at once; ${((sent - before) / seconds).toFixed(0)} tasks/s`,
        absolute: settled - idle,
        target: 25,
      });
    }
    return rows;
  } finally {
    hub.child.kill("SIGKILL");
    model.close();
  }
}
