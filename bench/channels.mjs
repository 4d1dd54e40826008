// Signed Slack event ingress (verify + dedupe + durable enqueue + ack) against a bare Hono route, and the idle RSS
// of `openkoi serve` with all four chat channels against a bare process that only imports the four SDKs.
import { createHmac, randomUUID } from "node:crypto";
import autocannon from "autocannon";
import { startHub } from "./api.mjs";
import { startFakePlatforms } from "./fake-platforms.mjs";
import { freePort, rssMb, startChild } from "./lib.mjs";

const SECRET = "bench-signing-secret";

function signedMention() {
  const body = JSON.stringify({
    type: "event_callback",
    team_id: "T1",
    api_app_id: "A1",
    event_id: `Ev${randomUUID().replaceAll("-", "")}`,
    event_time: Math.floor(Date.now() / 1000),
    event: {
      type: "app_mention",
      user: "U123",
      text: "<@UBOT> summarise the repo",
      ts: `${Date.now() / 1000}${Math.random().toString().slice(2, 6)}`,
      channel: "C1",
      event_ts: "1",
    },
  });
  const ts = String(Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac("sha256", SECRET).update(`v0:${ts}:${body}`).digest("hex")}`;
  return { body, headers: { "content-type": "application/json", "x-slack-request-timestamp": ts, "x-slack-signature": signature } };
}

function load(url, extra = {}) {
  return new Promise((resolve, reject) =>
    autocannon(
      { url, method: "POST", connections: 10, duration: 5, requests: [{ setupRequest: (req) => ({ ...req, ...signedMention() }) }], ...extra },
      (err, res) => (err ? reject(err) : resolve(res)),
    ),
  );
}

async function bareSlackRoute() {
  const port = await freePort();
  const code = `import { Hono } from "hono"; import { serve } from "@hono/node-server";
    const app = new Hono(); app.post("/channels/slack/events", async (c) => { await c.req.text(); return c.body(null, 200); });
    serve({ fetch: app.fetch, port: ${port}, hostname: "127.0.0.1" });`;
  const child = startChild(["--input-type=module", "-e", code], process.env);
  await new Promise((r) => setTimeout(r, 600));
  return { child, url: `http://127.0.0.1:${port}/channels/slack/events` };
}

async function sdkFloor() {
  const code = `await Promise.all([import("@slack/bolt"), import("discord.js"), import("botbuilder"), import("grammy"), import("hono"), import("@hono/node-server")]);
    setTimeout(() => {}, 60000);`;
  const child = startChild(["--input-type=module", "-e", code], process.env);
  await new Promise((r) => setTimeout(r, 3000));
  const rss = rssMb(child.pid);
  child.kill("SIGKILL");
  return rss;
}

export async function channelBench() {
  const platforms = await startFakePlatforms();
  const hub = await startHub(platforms.toml(SECRET));
  const bare = await bareSlackRoute();
  try {
    await new Promise((r) => setTimeout(r, 3000));
    const idle = rssMb(hub.child.pid);
    const floor = await sdkFloor();
    await load(bare.url, { duration: 2 });
    await load(`${hub.url}/channels/slack/events`, { duration: 2 });
    const bareMax = await load(bare.url);
    const hubMax = await load(`${hub.url}/channels/slack/events`);
    const hubRate = await load(`${hub.url}/channels/slack/events`, { overallRate: 500 });
    return [
      { name: "bare Hono route (max throughput)", value: `${Math.round(bareMax.requests.average)} req/s, p99 ${bareMax.latency.p99} ms` },
      {
        name: "signed Slack event ingress (max throughput)",
        value: `${Math.round(hubMax.requests.average)} req/s, p99 ${hubMax.latency.p99} ms, non-2xx ${hubMax.non2xx}`,
        ratio: hubMax.requests.average / bareMax.requests.average,
        target: 0.5,
        higherIsBetter: true,
      },
      {
        name: "signed Slack event ingress at 500 req/s",
        value: `p50 ${hubRate.latency.p50} ms, p99 ${hubRate.latency.p99} ms, non-2xx ${hubRate.non2xx}`,
        absolute: hubRate.latency.p99,
        target: 20,
      },
      { name: "RSS: process importing the four SDKs", value: `${floor.toFixed(1)} MB` },
      {
        name: "RSS: openkoi serve, all four channels, idle",
        value: `${idle.toFixed(1)} MB (+${(idle - floor).toFixed(1)} MB over the floor)`,
        absolute: idle - floor,
        target: 25,
      },
    ];
  } finally {
    hub.child.kill("SIGKILL");
    bare.child.kill("SIGKILL");
    platforms.close();
  }
}
