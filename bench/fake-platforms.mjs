// Just enough of Slack, Discord (REST + gateway) and Telegram for a hub with every channel to start and idle.
import { createServer } from "node:http";
import { WebSocketServer } from "ws";

const BOT = { id: "100000000000000001", username: "openkoi", discriminator: "0", global_name: null, avatar: null, bot: true };

export async function startFakePlatforms() {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise((r) => wss.once("listening", r));
  const gateway = `ws://127.0.0.1:${wss.address().port}`;
  let seq = 0;
  wss.on("connection", (ws) => {
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41250 }, s: null, t: null }));
    ws.on("message", (raw) => {
      const frame = JSON.parse(raw.toString());
      if (frame.op === 1) ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
      if (frame.op === 2) {
        ws.send(
          JSON.stringify({
            op: 0,
            t: "READY",
            s: ++seq,
            d: {
              v: 10,
              user: BOT,
              guilds: [],
              session_id: "s",
              resume_gateway_url: gateway,
              shard: [0, 1],
              application: { id: BOT.id, flags: 0 },
              private_channels: [],
            },
          }),
        );
      }
    });
  });
  const http = createServer((req, res) => {
    const json = (body) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    req.resume();
    req.on("end", () => {
      const url = req.url ?? "/";
      if (url.includes("/gateway/bot"))
        return json({ url: gateway, shards: 1, session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 } });
      if (url.includes("/users/@me")) return json(BOT);
      if (url.startsWith("/slack/")) return json({ ok: true, ts: `${Date.now() / 1000}`, channel: "C1", user_id: "UBOT", team_id: "T1" });
      if (url.startsWith("/telegram/bot"))
        return json({
          ok: true,
          result: { id: 1, is_bot: true, first_name: "openkoi", username: "openkoi_bot", message_id: 1, chat: { id: 1, type: "private" }, date: 0 },
        });
      json({});
    });
  });
  await new Promise((r) => http.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${http.address().port}`;
  return {
    url,
    toml: (signingSecret) => `
[channels.slack]
bot_token = "xoxb-bench"
signing_secret = "${signingSecret}"
api_url = "${url}/slack/"
[channels.discord]
bot_token = "bench.discord.token"
application_id = "${BOT.id}"
api_url = "${url}/discord"
[channels.teams]
allow_unauthenticated = true
[channels.telegram]
bot_token = "123456:bench-token"
webhook_secret = "bench-secret"
api_root = "${url}/telegram"
`,
    close: () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      http.closeAllConnections();
      http.close();
    },
  };
}
