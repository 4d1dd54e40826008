// Start-up: `openkoi serve` from spawn to "listening" against a bare Hono app on @hono/node-server, and `openkoi doctor`
// (no providers configured, so no network) against `node -e 0`; medians of N fresh processes, interleaved.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { CLI, freePort, median, tempHome, timeProcess } from "./lib.mjs";

const BARE_HONO = `import { Hono } from "hono"; import { serve } from "@hono/node-server";
const app = new Hono(); app.get("/health", (c) => c.json({ ok: true }));
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: "127.0.0.1" }, () => console.error("listening"));`;

/** Milliseconds from spawn until the child prints a line matching `ready`; then the child is killed. */
function timeUntil(args, env, ready) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "ignore", "pipe"], cwd: new URL("..", import.meta.url) });
    let seen = "";
    let readyAfterMs;
    child.stderr.on("data", (chunk) => {
      seen += chunk;
      if (readyAfterMs !== undefined || !ready.test(seen)) return;
      readyAfterMs = Number(process.hrtime.bigint() - start) / 1e6;
      child.kill("SIGKILL");
    });
    child.once("exit", (code) =>
      readyAfterMs !== undefined ? resolve(readyAfterMs) : reject(new Error(`${args.join(" ")} exited ${code} before it was ready: ${seen.slice(-400)}`)),
    );
  });
}

export async function startUp(runs = 9) {
  const rounds = { node: [], bare: [], serve: [], doctor: [] };
  for (let i = 0; i < runs; i++) {
    const port = String(await freePort());
    const home = tempHome();
    mkdirSync(home, { recursive: true });
    writeFileSync(`${home}/config.toml`, `[api]\nport = ${port}\n`);
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, OPENKOI_HOME: home, PORT: port };
    rounds.node.push(timeProcess(["-e", "0"], env));
    rounds.bare.push(await timeUntil(["--input-type=module", "-e", BARE_HONO], env, /listening/));
    rounds.serve.push(await timeUntil([CLI, "serve"], env, /listening on/));
    rounds.doctor.push(timeProcess([CLI, "doctor"], env, { allowFailure: true }));
  }
  const [node, bare, serve, doctor] = [rounds.node, rounds.bare, rounds.serve, rounds.doctor].map(median);
  return [
    { name: "bare Hono on @hono/node-server (baseline)", value: `${bare.toFixed(1)} ms` },
    { name: "openkoi serve → listening (fresh data dir)", value: `${serve.toFixed(1)} ms`, ratio: serve / bare, target: 1.5 },
    { name: "openkoi doctor (no providers)", value: `${doctor.toFixed(1)} ms`, ratio: doctor / node, target: 3 },
  ];
}
