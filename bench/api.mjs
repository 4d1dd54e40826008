// POST /api/v1/tasks throughput and latency against a bare Hono route, plus idle RSS of `openkoi serve`.

import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { CLI, freePort, rssMb, startChild, tempHome, waitHealthy } from "./lib.mjs";

function run(opts) {
  return new Promise((resolve, reject) => autocannon({ duration: 5, connections: 10, ...opts }, (err, res) => (err ? reject(err) : resolve(res))));
}

/** A bare Hono route on @hono/node-server in a child process: the same stack without openkoi. */
async function startBare(port) {
  const code = `import { Hono } from "hono"; import { serve } from "@hono/node-server";
    const app = new Hono(); app.post("/api/v1/tasks", async (c) => { await c.req.json(); return c.json({ id: "x" }, 202); });
    serve({ fetch: app.fetch, port: ${port}, hostname: "127.0.0.1" });`;
  const child = startChild(["--input-type=module", "-e", code], { ...process.env });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(url, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
      return { child, url };
    } catch {
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  throw new Error("bare hono did not start");
}

/** A model endpoint that accepts connections and never answers: running tasks wait, queued ones stay queued. */
async function blackHole() {
  const { createServer } = await import("node:net");
  const sockets = new Set();
  const server = createServer((s) => sockets.add(s));
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${server.address().port}/v1`,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

/**
 * `openkoi serve` in a temp home (or `home`, e.g. one with a seeded database); `modelUrl` (an OpenAI-compatible base
 * URL) replaces the model that never answers.
 */
export async function startHub(channelsToml = "", { modelUrl, home = tempHome(), env: extraEnv = {} } = {}) {
  const model = modelUrl ? { url: modelUrl, close() {} } : await blackHole();
  mkdirSync(home, { recursive: true });
  const port = await freePort();
  const workspace = mkdtempSync(join(tmpdir(), "openkoi-bench-ws-"));
  // The model never answers, so the benchmark measures intake (validate, store, ack), not the agent. The load comes
  // from one client whose tasks never start: the per-client limits are lifted so they do not cut the run short.
  const limits = `[limits]\napi_requests_per_minute = 100000000\nmax_queued_per_submitter = 100000000\nmax_queued_per_thread = 100000000\nchat_messages_per_minute = 100000000\n`;
  writeFileSync(
    join(home, "config.toml"),
    `[models]\nexecutor = "openai/gpt-4.1"\n[api]\nport = ${port}\n[server]\nworkspace = "${workspace}"\n${limits}${channelsToml}`,
  );
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    OPENKOI_HOME: home,
    OPENAI_API_KEY: "sk-bench",
    OPENAI_BASE_URL: model.url,
    OLLAMA_HOST: "http://127.0.0.1:9",
    NO_PROXY: "127.0.0.1,localhost",
    ...extraEnv,
  };
  const child = startChild([CLI, "serve"], env);
  child.once("exit", () => model.close());
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url);
  return { child, url, home };
}

const body = JSON.stringify({ description: "benchmark task" });
const post = (url) => ({ url: `${url}/api/v1/tasks`, method: "POST", headers: { "content-type": "application/json" }, body });

export async function apiBench() {
  const bare = await startBare(await freePort());
  const hub = await startHub();
  try {
    await new Promise((r) => setTimeout(r, 1500));
    const idle = rssMb(hub.child.pid);
    await run({ ...post(bare.url), duration: 2 }); // warm-up
    await run({ ...post(hub.url), duration: 2 });
    const bareMax = await run(post(bare.url));
    const hubMax = await run(post(hub.url));
    const hubRate = await run({ ...post(hub.url), overallRate: 500, duration: 5 });
    return [
      { name: "bare Hono POST (max throughput)", value: `${Math.round(bareMax.requests.average)} req/s, p99 ${bareMax.latency.p99} ms` },
      {
        name: "POST /api/v1/tasks (max throughput)",
        value: `${Math.round(hubMax.requests.average)} req/s, p50 ${hubMax.latency.p50} ms, p99 ${hubMax.latency.p99} ms, errors ${hubMax.errors + hubMax.non2xx}`,
        ratio: hubMax.requests.average / bareMax.requests.average,
        target: 0.5,
        higherIsBetter: true,
      },
      {
        name: "POST /api/v1/tasks at 500 req/s",
        value: `p50 ${hubRate.latency.p50} ms, p99 ${hubRate.latency.p99} ms, ${hubRate.requests.total} requests, errors ${hubRate.errors + hubRate.non2xx}`,
        absolute: hubRate.latency.p99,
        target: 20,
      },
      { name: "idle RSS of openkoi serve (no channels)", value: `${idle.toFixed(1)} MB`, absolute: idle, target: 90 },
    ];
  } finally {
    bare.child.kill("SIGKILL");
    hub.child.kill("SIGKILL");
  }
}
