/**
 * A loopback fake of Discord: the REST API under /api/v10 (bot-token routes, interaction webhooks and callbacks),
 * a WebSocket gateway (HELLO → IDENTIFY → READY + GUILD_CREATE, heartbeats, dispatches) and the platform's
 * Ed25519 key, so tests send really signed interactions. It records everything; it never decides behaviour under test.
 */
import { generateKeyPairSync, sign } from "node:crypto";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";
import { type FakeServer, type RecordedRequest, type Reply, startFake } from "./http.js";

export const BOT_ID = "100000000000000001";
export const GUILD_ID = "200000000000000002";
export const CHANNEL_ID = "300000000000000003";
export const THREAD_ID = "300000000000000033";
export const DM_CHANNEL_ID = "300000000000000099";
export const HUMAN = { id: "400000000000000004", username: "alice", discriminator: "0", global_name: "Alice", avatar: null };
const BOT_USER = { id: BOT_ID, username: "koibot", discriminator: "0", global_name: null, avatar: null, bot: true };
const NOW = () => new Date().toISOString();

type Json = Record<string, unknown>;

export interface StoredMessage {
  id: string;
  channel_id: string;
  /** The body the bot sent (content, embeds, components, message_reference…). */
  body: Json;
  /** How it was sent: "bot" (channel route) or "interaction" (webhook with an interaction token). */
  via: "bot" | "interaction";
  token?: string;
}

export interface DiscordFake {
  rest: FakeServer;
  /** What [channels.discord].api_url should be. */
  apiUrl: string;
  token: string;
  applicationId: string;
  publicKeyHex: string;
  posts: StoredMessage[];
  edits: StoredMessage[];
  reactions: Array<{ channel: string; message: string; emoji: string }>;
  callbacks: Array<{ id: string; token: string; body: Json }>;
  identified(): boolean;
  /** Every REST request gets this reply until called again without one (an outage: e.g. `{ status: 503 }`). */
  setDown(reply: Reply | undefined): void;
  /** Answer each IDENTIFY by closing the gateway with `code` (4004 = bad token); undefined restores READY. */
  closeOnIdentify(code: number | undefined): void;
  /** Open gateway WebSocket connections. */
  gatewayConnections(): number;
  /** Sends a gateway dispatch; resolves once written to the socket. */
  dispatch(t: string, d: Json): Promise<void>;
  nextId(): string;
  /** The next request matching `match` gets `reply` (after being recorded). */
  failNext(match: (r: RecordedRequest) => boolean, reply: Reply): void;
  /** Discord has seen the initial response for this interaction token (follow-ups and @original edits work). */
  ackInteraction(token: string, channelId: string): void;
  /** Delivers an interaction over the gateway (INTERACTION_CREATE); its callback acknowledges the token. */
  gatewayInteraction(body: Json): Promise<void>;
  /** POSTs a signed interaction to the hub, as Discord would; a 200 response acknowledges its token. */
  interact(url: string, body: Json, options?: { tamper?: boolean; timestamp?: number }): Promise<{ status: number; json: Json }>;
  /** The headers Discord sends with `raw`, signed at `timestamp` (seconds; now by default). */
  signedHeaders(raw: string, timestamp?: number): Record<string, string>;
  close(): Promise<void>;
}

function message(id: string, channel_id: string, body: Json): Json {
  return {
    id,
    channel_id,
    author: BOT_USER,
    content: body.content ?? "",
    embeds: body.embeds ?? [],
    components: body.components ?? [],
    timestamp: NOW(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    pinned: false,
    type: 0,
    flags: 0,
  };
}

const GUILD = {
  id: GUILD_ID,
  name: "Test Guild",
  icon: null,
  owner_id: HUMAN.id,
  unavailable: false,
  member_count: 2,
  features: [],
  joined_at: NOW(),
  large: false,
  roles: [{ id: GUILD_ID, name: "@everyone", permissions: "1071698660929", position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 }],
  channels: [{ id: CHANNEL_ID, type: 0, name: "general", guild_id: GUILD_ID, position: 0, permission_overwrites: [], parent_id: null, nsfw: false }],
  threads: [
    {
      id: THREAD_ID,
      type: 11,
      guild_id: GUILD_ID,
      parent_id: CHANNEL_ID,
      name: "a thread",
      owner_id: HUMAN.id,
      message_count: 0,
      member_count: 1,
      thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: NOW(), locked: false },
    },
  ],
  members: [],
  presences: [],
  voice_states: [],
  emojis: [],
  stickers: [],
};

interface GatewayState {
  seq: number;
  socket?: WebSocket;
  identified: boolean;
  /** When set, an IDENTIFY is answered by closing the socket with this code (4004: authentication failed). */
  closeOnIdentify?: number;
}

async function startGateway(state: GatewayState) {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise((r) => wss.once("listening", r));
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  const send = (ws: WebSocket, frame: Json) => new Promise<void>((resolve, reject) => ws.send(JSON.stringify(frame), (e) => (e ? reject(e) : resolve())));
  const dispatch = async (t: string, d: Json) => {
    if (!state.socket) throw new Error("fake discord: no gateway connection");
    await send(state.socket, { op: 0, t, s: ++state.seq, d });
  };
  wss.on("connection", (ws) => {
    state.socket = ws;
    void send(ws, { op: 10, d: { heartbeat_interval: 41250 }, s: null, t: null });
    ws.on("message", (raw) => {
      const frame = JSON.parse(String(raw)) as { op: number };
      if (frame.op === 1) void send(ws, { op: 11, d: null, s: null, t: null });
      if (frame.op !== 2) return;
      if (state.closeOnIdentify !== undefined) return ws.close(state.closeOnIdentify, "Authentication failed.");
      state.identified = true;
      void dispatch("READY", {
        v: 10,
        user: BOT_USER,
        guilds: [{ id: GUILD_ID, unavailable: true }],
        session_id: "sess-1",
        resume_gateway_url: url,
        shard: [0, 1],
        application: { id: BOT_ID, flags: 0 },
        private_channels: [],
        user_settings: {},
        relationships: [],
      }).then(() => dispatch("GUILD_CREATE", GUILD));
    });
  });
  const close = () =>
    new Promise<void>((r) => {
      for (const client of wss.clients) client.terminate();
      wss.close(() => r());
    });
  const open = () => [...wss.clients].filter((c) => c.readyState === c.OPEN).length;
  return { url, dispatch, close, open };
}

export async function startDiscordFake(): Promise<DiscordFake> {
  const token = "fake.discord.token";
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const publicKeyHex = publicKey.export({ format: "der", type: "spki" }).subarray(-32).toString("hex");
  const state: GatewayState = { seq: 0, socket: undefined, identified: false };
  let down: Reply | undefined;
  const gateway = await startGateway(state);
  const messages = new Map<string, StoredMessage>();
  const posts: StoredMessage[] = [];
  const edits: StoredMessage[] = [];
  const reactions: DiscordFake["reactions"] = [];
  const callbacks: DiscordFake["callbacks"] = [];
  const failures: Array<{ match: (r: RecordedRequest) => boolean; reply: Reply }> = [];
  /** Interaction token → its channel, and whether Discord has seen the initial response. */
  const interactions = new Map<string, { channel: string; acked: boolean; original?: string }>();
  let snowflake = 500000000000000000n;
  const nextId = () => String(++snowflake);

  const create = (channel_id: string, body: Json, via: StoredMessage["via"], tokenOf?: string): Reply => {
    const stored: StoredMessage = { id: nextId(), channel_id, body, via, ...(tokenOf ? { token: tokenOf } : {}) };
    messages.set(stored.id, stored);
    posts.push(stored);
    return { json: message(stored.id, channel_id, body) };
  };
  const edit = (id: string, body: Json): Reply => {
    const stored = messages.get(id);
    if (!stored) return { status: 404, json: { message: "Unknown Message", code: 10008 } };
    stored.body = { ...stored.body, ...body };
    edits.push({ ...stored, body });
    return { json: message(id, stored.channel_id, stored.body) };
  };

  const webhooks = (r: RecordedRequest, path: string): Reply | undefined => {
    const m = path.match(/^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/([^/]+))?$/);
    if (!m) return undefined;
    const [, , tok = "", target] = m;
    const ix = interactions.get(tok);
    if (!ix?.acked) return { status: 404, json: { message: "Unknown Webhook", code: 10015 } };
    const body = r.body as Json;
    if (r.method === "POST" && !target) return create(ix.channel, body, "interaction", tok);
    if (r.method !== "PATCH" || !target) return undefined;
    if (target !== "@original") return edit(target, body);
    if (ix.original) return edit(ix.original, body);
    const reply = create(ix.channel, body, "interaction", tok);
    ix.original = posts.at(-1)?.id;
    return reply;
  };

  const route = (r: RecordedRequest): Reply | undefined => {
    const path = decodeURIComponent(r.path).replace(/^\/api\/v10/, "");
    if (down) return down;
    const failure = failures.findIndex((f) => f.match(r));
    if (failure >= 0) return failures.splice(failure, 1)[0]?.reply;
    const cb = path.match(/^\/interactions\/(\d+)\/([^/]+)\/callback$/);
    if (cb && r.method === "POST") {
      callbacks.push({ id: cb[1] ?? "", token: cb[2] ?? "", body: r.body as Json });
      const ix = interactions.get(cb[2] ?? "");
      if (ix) ix.acked = true;
      return { status: 204, text: "" };
    }
    if (path.startsWith("/webhooks/")) return webhooks(r, path);
    if (r.headers.authorization !== `Bot ${token}`) return { status: 401, json: { message: "401: Unauthorized", code: 0 } };
    if (r.method === "GET" && path === "/gateway/bot")
      return { json: { url: gateway.url, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } } };
    if (r.method === "GET" && path === "/users/@me") return { json: BOT_USER };
    let m = path.match(/^\/channels\/(\d+)\/messages$/);
    if (m && r.method === "POST") return create(m[1] ?? "", r.body as Json, "bot");
    m = path.match(/^\/channels\/(\d+)\/messages\/(\d+)$/);
    if (m && r.method === "PATCH") return edit(m[2] ?? "", r.body as Json);
    m = path.match(/^\/channels\/(\d+)\/messages\/(\d+)\/reactions\/([^/]+)\/@me$/);
    if (m && r.method === "PUT") {
      reactions.push({ channel: m[1] ?? "", message: m[2] ?? "", emoji: m[3] ?? "" });
      return { status: 204, text: "" };
    }
    return undefined;
  };
  const rest = await startFake("discord", route);

  return {
    rest,
    apiUrl: `${rest.url}/api`,
    token,
    applicationId: BOT_ID,
    publicKeyHex,
    posts,
    edits,
    reactions,
    callbacks,
    identified: () => state.identified,
    setDown(reply) {
      down = reply;
    },
    closeOnIdentify(code) {
      state.closeOnIdentify = code;
    },
    gatewayConnections: gateway.open,
    dispatch: gateway.dispatch,
    nextId,
    failNext: (match, reply) => void failures.push({ match, reply }),
    ackInteraction: (tok, channel) => void interactions.set(tok, { channel, acked: true }),
    async gatewayInteraction(body) {
      if (typeof body.token === "string" && typeof body.channel_id === "string") interactions.set(body.token, { channel: body.channel_id, acked: false });
      await gateway.dispatch("INTERACTION_CREATE", body);
    },
    signedHeaders(raw, timestamp = Math.floor(Date.now() / 1000)) {
      const signature = sign(null, Buffer.from(String(timestamp) + raw), privateKey).toString("hex");
      return { "content-type": "application/json", "x-signature-ed25519": signature, "x-signature-timestamp": String(timestamp) };
    },
    async interact(url, body, options = {}) {
      const raw = JSON.stringify(body);
      const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
      let signature = sign(null, Buffer.from(timestamp + raw), privateKey).toString("hex");
      if (options.tamper) signature = `${signature[0] === "a" ? "b" : "a"}${signature.slice(1)}`;
      if (typeof body.token === "string" && typeof body.channel_id === "string") interactions.set(body.token, { channel: body.channel_id, acked: false });
      const res = await fetch(`${url}/channels/discord/interactions`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-signature-ed25519": signature, "x-signature-timestamp": timestamp },
        body: raw,
      });
      const json = (await res.json()) as Json;
      const ix = typeof body.token === "string" ? interactions.get(body.token) : undefined;
      if (ix && res.status === 200) ix.acked = true;
      return { status: res.status, json };
    },
    async close() {
      await gateway.close();
      await rest.close();
    },
  };
}

export interface UserMessageInput {
  id: string;
  content: string;
  channelId?: string;
  /** 0 text channel (default), 11 public thread, 1 DM. */
  channelType?: 0 | 11 | 1;
  author?: Json;
  mentionBot?: boolean;
  /** The message this replies to (Discord sends it whole as referenced_message). */
  replyTo?: Json;
}

/** A MESSAGE_CREATE payload as Discord sends it (channel_type included, member only in guilds). */
export function userMessage(input: UserMessageInput): Json {
  const type = input.channelType ?? 0;
  const channel_id = input.channelId ?? (type === 1 ? DM_CHANNEL_ID : type === 11 ? THREAD_ID : CHANNEL_ID);
  const author = input.author ?? HUMAN;
  const member = { roles: [], joined_at: NOW(), deaf: false, mute: false, flags: 0 };
  const mentions = [...(input.mentionBot ? [{ ...BOT_USER, ...(type === 1 ? {} : { member }) }] : [])];
  return {
    id: input.id,
    channel_id,
    channel_type: type,
    author,
    content: input.content,
    timestamp: NOW(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions,
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    flags: 0,
    ...(type === 1 ? {} : { guild_id: GUILD_ID, member }),
    ...(input.replyTo
      ? {
          type: 19,
          message_reference: { type: 0, message_id: input.replyTo.id, channel_id, ...(type === 1 ? {} : { guild_id: GUILD_ID }) },
          referenced_message: input.replyTo,
        }
      : { type: 0 }),
  };
}

/** An interaction payload (slash command or button) as Discord sends it from the guild channel. */
export function interaction(fields: { id: string; type: 2 | 3; token?: string; data: Json; user?: Json; channelId?: string; message?: Json }): Json {
  return {
    id: fields.id,
    application_id: BOT_ID,
    type: fields.type,
    token: fields.token ?? `itok-${fields.id}`,
    version: 1,
    channel_id: fields.channelId ?? CHANNEL_ID,
    channel: { id: fields.channelId ?? CHANNEL_ID, type: 0, guild_id: GUILD_ID, name: "general" },
    guild_id: GUILD_ID,
    app_permissions: "2248473465835073",
    entitlements: [],
    authorizing_integration_owners: { "0": GUILD_ID },
    context: 0,
    locale: "en-US",
    guild_locale: "en-US",
    member: { user: fields.user ?? HUMAN, roles: [], permissions: "0", joined_at: NOW() },
    data: fields.data,
    ...(fields.message ? { message: fields.message } : {}),
  };
}

/** Flattens what a user would see in a stored message: content, embed title/description/fields/footer, button labels. */
export function visibleText(body: Json): string {
  const parts: string[] = [];
  if (typeof body.content === "string") parts.push(body.content);
  for (const e of (body.embeds as Json[] | undefined) ?? []) {
    parts.push(String(e.title ?? ""), String(e.description ?? ""));
    for (const f of (e.fields as Json[] | undefined) ?? []) parts.push(`${f.name}: ${f.value}`);
    if (e.footer) parts.push(String((e.footer as Json).text ?? ""));
  }
  for (const row of (body.components as Json[] | undefined) ?? [])
    for (const c of (row.components as Json[] | undefined) ?? []) parts.push(String(c.label ?? ""));
  return parts.filter(Boolean).join("\n");
}
