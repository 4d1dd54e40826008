/**
 * A loopback fake of Slack: the Web API (form-encoded `POST /api/<method>`, `{ok, …}` answers) with an in-memory
 * message store, the Socket Mode WebSocket (`apps.connections.open` → ws://, hello, envelopes, acks), and the
 * platform's side of inbound delivery (really signed Events API / interactivity requests).
 *
 *   const slack = await startSlackFake();
 *   new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl });
 *   await slack.deliver(`${hub}/channels/slack/events`, slack.mentionPayload({ text: "hi", eventId: "Ev1" }));
 */
import { createHmac } from "node:crypto";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";
import { type FakeServer, type RecordedRequest, type Reply, startFake, waitFor } from "./http.js";

export const BOT_USER = "UBOT";
export const APP_ID = "A0OPENKOI";
export const TEAM = "T001";
export const CHANNEL_ID = "C001";

type Json = Record<string, unknown>;

export interface SlackMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  text: string;
  attachments: Json[];
  blocks: Json[];
  /** chat.postMessage `metadata` (kept across edits that send none, as Slack does). */
  metadata?: Json;
  /** Every visible string (header, context, fields, sections, button labels or the text), entities decoded. */
  visible: string;
}

export interface SocketFake {
  url: string;
  /** Frames the client sent (acks), parsed. */
  received: Json[];
  /** Sends an envelope and resolves with the client's ack for it. */
  send(type: "events_api" | "interactive", payload: Json, envelopeId?: string): Promise<Json>;
  close(): Promise<void>;
}

export interface SlackFake extends FakeServer {
  apiUrl: string;
  botToken: string;
  appToken: string;
  signingSecret: string;
  /** Messages as Slack holds them now (edits applied), in posting order. */
  messages: SlackMessage[];
  /** Each message as first posted, and each edit as sent, in order. */
  posted: SlackMessage[];
  edits: SlackMessage[];
  /** When each Web API call arrived (ms since epoch), in order. */
  log: Array<{ method: string; at: number }>;
  /** Calls of one Web API method, in order. */
  calls(method: string): RecordedRequest[];
  /** The next call of `method` gets this reply instead (e.g. a 429). */
  failNext(method: string, reply: Reply): void;
  /** The next call of `method` takes effect, but its answer is never sent (the connection stays open until close). */
  stallNext(method: string): void;
  /** The Socket Mode side; `apps.connections.open` hands out its URL once started. */
  socket(): Promise<SocketFake>;
  sign(raw: string, timestamp?: number): Record<string, string>;
  /** POSTs a signed delivery as Slack would (JSON, or form `payload=` for interactivity). */
  deliver(url: string, payload: Json, options?: DeliverOptions): Promise<{ status: number; text: string; ms: number }>;
  mentionPayload(input: EventInput): Json;
  threadReplyPayload(input: EventInput & { threadTs: string }): Json;
  directMessagePayload(input: EventInput): Json;
  reactionPayload(input: { eventId: string; user?: string; reaction?: string; messageTs: string; channel?: string }): Json;
  stopActionPayload(input: { taskId: string; messageTs?: string; user?: string; channel?: string }): Json;
}

export interface DeliverOptions {
  form?: boolean;
  timestamp?: number;
  badSignature?: boolean;
  headers?: Record<string, string>;
}

export interface EventInput {
  text: string;
  eventId: string;
  user?: string;
  channel?: string;
  ts?: string;
  threadTs?: string;
  channelType?: string;
}

let tsCounter = 0;
/** Slack timestamps: seconds.microseconds, unique per message. */
export function nextTs(): string {
  tsCounter += 1;
  return `1700000000.${String(tsCounter).padStart(6, "0")}`;
}

const decode = (text: string) => text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
const json = (value: unknown): Json[] => {
  if (typeof value !== "string") return Array.isArray(value) ? (value as Json[]) : [];
  const parsed: unknown = JSON.parse(value);
  return Array.isArray(parsed) ? (parsed as Json[]) : [];
};

function textOf(value: unknown): string {
  if (!value || typeof value !== "object") return "";
  const v = value as Json;
  return typeof v.text === "string" ? v.text : textOf(v.text);
}

/** Every string a person would see in these blocks. */
export function visibleText(blocks: Json[]): string {
  const parts: string[] = [];
  for (const block of blocks) {
    if (block.text) parts.push(textOf(block));
    for (const list of [block.fields, block.elements]) if (Array.isArray(list)) for (const item of list) parts.push(textOf(item));
  }
  return decode(parts.filter(Boolean).join("\n"));
}

function toMessage(form: Json, ts: string): SlackMessage {
  const attachments = json(form.attachments);
  const blocks = json(form.blocks);
  const all = [...blocks, ...attachments.flatMap((a) => json(a.blocks))];
  const text = String(form.text ?? "");
  const metadata = typeof form.metadata === "string" ? (JSON.parse(form.metadata) as Json) : (form.metadata as Json | undefined);
  return {
    ...(metadata ? { metadata } : {}),
    channel: String(form.channel),
    ts,
    threadTs: typeof form.thread_ts === "string" ? form.thread_ts : undefined,
    text,
    attachments,
    blocks,
    visible: all.length ? visibleText(all) : decode(text),
  };
}

function eventEnvelope(eventId: string, event: Json): Json {
  return {
    token: "legacy-verification-token",
    team_id: TEAM,
    api_app_id: APP_ID,
    event,
    type: "event_callback",
    event_id: eventId,
    event_time: 1_700_000_000,
    authorizations: [{ enterprise_id: null, team_id: TEAM, user_id: BOT_USER, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: `4-${eventId}`,
  };
}

export async function startSlackFake(options: { botToken?: string; appToken?: string; signingSecret?: string } = {}): Promise<SlackFake> {
  const botToken = options.botToken ?? "xoxb-fake-bot-token";
  const appToken = options.appToken ?? "xapp-1-fake-app-token";
  const signingSecret = options.signingSecret ?? "fake-signing-secret";
  const messages: SlackMessage[] = [];
  const posted: SlackMessage[] = [];
  const edits: SlackMessage[] = [];
  const log: Array<{ method: string; at: number }> = [];
  const failures = new Map<string, Reply[]>();
  const stalls = new Set<string>();
  let socket: (SocketFake & { wsUrl: string }) | undefined;

  const api = (method: string, body: Json): Reply => {
    switch (method) {
      case "auth.test":
        return { json: { ok: true, url: "https://fake.slack.com/", team: "Fake Team", user: "openkoi", team_id: TEAM, user_id: BOT_USER, bot_id: "BBOT" } };
      case "chat.postMessage": {
        const message = toMessage(body, nextTs());
        messages.push(message);
        posted.push(message);
        return { json: { ok: true, channel: message.channel, ts: message.ts, message: { type: "message", text: message.text, ts: message.ts } } };
      }
      case "chat.update": {
        const index = messages.findIndex((m) => m.channel === body.channel && m.ts === body.ts);
        if (index < 0) return { json: { ok: false, error: "message_not_found" } };
        const before = messages[index];
        const edited = { ...toMessage(body, String(body.ts)), threadTs: before?.threadTs };
        if (!edited.metadata && before?.metadata) edited.metadata = before.metadata;
        messages[index] = edited;
        edits.push(edited);
        return { json: { ok: true, channel: edited.channel, ts: edited.ts, text: edited.text } };
      }
      case "reactions.add":
        return { json: { ok: true } };
      case "conversations.replies":
      case "conversations.history": {
        const inThread = (m: SlackMessage) => (method === "conversations.replies" ? m.ts === body.ts || m.threadTs === body.ts : !m.threadTs);
        const found = messages.filter((m) => m.channel === body.channel && inThread(m));
        const withMetadata = body.include_all_metadata === true || body.include_all_metadata === "true";
        return {
          json: {
            ok: true,
            messages: found.map((m) => ({
              type: "message",
              ts: m.ts,
              text: m.text,
              ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
              ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
            })),
            has_more: false,
          },
        };
      }
      default:
        return { json: { ok: false, error: "unknown_method" } };
    }
  };

  const server = await startFake("slack", (request) => {
    const method = request.path.replace(/^\/api\//, "");
    const auth = request.headers.authorization;
    log.push({ method, at: Date.now() });
    if (method === "apps.connections.open") {
      if (auth !== `Bearer ${appToken}`) return { json: { ok: false, error: "invalid_auth" } };
      return socket ? { json: { ok: true, url: socket.wsUrl } } : { json: { ok: false, error: "socket_mode_not_enabled" } };
    }
    const failure = failures.get(method)?.shift();
    if (failure) return failure;
    if (auth !== `Bearer ${botToken}`) return { json: { ok: false, error: "invalid_auth" } };
    const reply = api(method, (request.body ?? {}) as Json);
    if (!stalls.delete(method)) return reply;
    // Done, but the answer never leaves: the caller cannot know whether its call took effect (a crash window).
    return { stream: () => undefined };
  });

  const sign = (raw: string, timestamp = Math.floor(Date.now() / 1000)) => ({
    "x-slack-request-timestamp": String(timestamp),
    "x-slack-signature": `v0=${createHmac("sha256", signingSecret).update(`v0:${timestamp}:${raw}`).digest("hex")}`,
  });

  return {
    ...server,
    apiUrl: `${server.url}/api/`,
    botToken,
    appToken,
    signingSecret,
    messages,
    posted,
    edits,
    log,
    async close() {
      await socket?.close();
      await server.close();
    },
    calls: (method) => server.requests.filter((r) => r.path === `/api/${method}`),
    failNext(method, reply) {
      failures.set(method, [...(failures.get(method) ?? []), reply]);
    },
    stallNext(method) {
      stalls.add(method);
    },
    async socket() {
      socket ??= await startSocket();
      return socket;
    },
    sign,
    async deliver(url, payload, opts = {}) {
      const raw = opts.form ? new URLSearchParams({ payload: JSON.stringify(payload) }).toString() : JSON.stringify(payload);
      const headers: Record<string, string> = {
        "content-type": opts.form ? "application/x-www-form-urlencoded" : "application/json",
        "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        ...sign(raw, opts.timestamp),
        ...opts.headers,
      };
      if (opts.badSignature) headers["x-slack-signature"] = `v0=${"0".repeat(64)}`;
      const started = Date.now();
      const res = await fetch(url, { method: "POST", headers, body: raw });
      return { status: res.status, text: await res.text(), ms: Date.now() - started };
    },
    mentionPayload: (input) => {
      const ts = input.ts ?? nextTs();
      return eventEnvelope(input.eventId, {
        type: "app_mention",
        user: input.user ?? "U123",
        text: `<@${BOT_USER}> ${input.text}`,
        ts,
        channel: input.channel ?? CHANNEL_ID,
        event_ts: ts,
        ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
      });
    },
    threadReplyPayload: (input) => {
      const ts = input.ts ?? nextTs();
      return eventEnvelope(input.eventId, {
        type: "message",
        user: input.user ?? "U123",
        text: input.text,
        ts,
        thread_ts: input.threadTs,
        parent_user_id: "U123",
        channel: input.channel ?? CHANNEL_ID,
        event_ts: ts,
        channel_type: input.channelType ?? "channel",
      });
    },
    directMessagePayload: (input) => {
      const ts = input.ts ?? nextTs();
      return eventEnvelope(input.eventId, {
        type: "message",
        user: input.user ?? "U123",
        text: input.text,
        ts,
        channel: input.channel ?? "D001",
        event_ts: ts,
        channel_type: "im",
        ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
      });
    },
    reactionPayload: (input) =>
      eventEnvelope(input.eventId, {
        type: "reaction_added",
        user: input.user ?? "U123",
        reaction: input.reaction ?? "octagonal_sign",
        item_user: BOT_USER,
        item: { type: "message", channel: input.channel ?? CHANNEL_ID, ts: input.messageTs },
        event_ts: nextTs(),
      }),
    stopActionPayload: (input) => ({
      type: "block_actions",
      user: { id: input.user ?? "U123", username: "alice", name: "alice", team_id: TEAM },
      api_app_id: APP_ID,
      token: "legacy-verification-token",
      container: { type: "message", message_ts: input.messageTs ?? "0", channel_id: input.channel ?? CHANNEL_ID, is_ephemeral: false },
      trigger_id: "123.456.abc",
      team: { id: TEAM, domain: "fake" },
      channel: { id: input.channel ?? CHANNEL_ID, name: "general" },
      message: { type: "message", ts: input.messageTs ?? "0", bot_id: "BBOT" },
      response_url: "http://127.0.0.1:9/response",
      actions: [
        {
          action_id: "openkoi_stop",
          block_id: "b1",
          text: { type: "plain_text", text: "Stop" },
          value: input.taskId,
          style: "danger",
          type: "button",
          action_ts: "1700000001.000001",
        },
      ],
    }),
  };
}

async function startSocket(): Promise<SocketFake & { wsUrl: string }> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
  const { port } = wss.address() as AddressInfo;
  const received: Json[] = [];
  const sockets: WebSocket[] = [];
  let envelopes = 0;
  wss.on("connection", (ws) => {
    sockets.push(ws);
    ws.on("message", (data: Buffer) => received.push(JSON.parse(data.toString()) as Json));
    ws.send(
      JSON.stringify({
        type: "hello",
        num_connections: 1,
        debug_info: { host: "fake", approximate_connection_time: 18060 },
        connection_info: { app_id: APP_ID },
      }),
    );
  });
  const url = `ws://127.0.0.1:${port}/link/?ticket=fake-ticket&app_id=${APP_ID}`;
  return {
    url,
    wsUrl: url,
    received,
    async send(type, payload, envelopeId = `env-${++envelopes}`) {
      const ws = await waitFor(() => sockets.at(-1), 5000, "a Socket Mode connection");
      ws.send(JSON.stringify({ envelope_id: envelopeId, type, accepts_response_payload: type === "interactive", retry_attempt: 0, retry_reason: "", payload }));
      return waitFor(() => received.find((m) => m.envelope_id === envelopeId), 5000, `the ack of ${envelopeId}`);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of sockets) ws.terminate();
        wss.close(() => resolve());
      }),
  };
}
