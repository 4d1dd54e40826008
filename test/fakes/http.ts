/** A recording fake HTTP server on 127.0.0.1:0. Every platform fake in test/fakes builds on it. */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage["headers"];
  raw: string;
  /** Parsed JSON or form body when the content type says so; else the raw string. */
  body: unknown;
}

export interface Reply {
  status?: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
  /** Write the response yourself (SSE, dropped connections). */
  stream?: (res: ServerResponse, req: IncomingMessage) => void | Promise<void>;
}

export type FakeHandler = (request: RecordedRequest) => Reply | undefined | Promise<Reply | undefined>;

export interface FakeServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

function parseBody(raw: string, contentType: string): unknown {
  try {
    if (contentType.includes("json") && raw) return JSON.parse(raw);
    if (contentType.includes("x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(raw));
  } catch {
    return raw;
  }
  return raw;
}

export async function startFake(name: string, handler: FakeHandler): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://fake");
    const recorded: RecordedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      raw,
      body: parseBody(raw, String(req.headers["content-type"] ?? "")),
    };
    requests.push(recorded);
    let reply: Reply | undefined;
    try {
      reply = await handler(recorded);
    } catch (error) {
      reply = { status: 500, json: { error: `fake ${name} crashed: ${String(error)}` } };
    }
    reply ??= { status: 404, json: { message: `fake ${name}: no route ${recorded.method} ${recorded.path}` } };
    if (reply.stream) return void (await reply.stream(res, req));
    const headers: Record<string, string> = { ...reply.headers };
    let payload = "";
    if (reply.json !== undefined) {
      headers["content-type"] ??= "application/json; charset=utf-8";
      payload = JSON.stringify(reply.json);
    } else if (reply.text !== undefined) payload = reply.text;
    res.writeHead(reply.status ?? 200, headers);
    res.end(payload);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes a server-sent-event stream: each item `{event?, data}`. */
export function writeSse(res: ServerResponse, events: Array<{ event?: string; data: unknown }>, end = true): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  for (const item of events) {
    const data = typeof item.data === "string" ? item.data : JSON.stringify(item.data);
    res.write(`${item.event ? `event: ${item.event}\n` : ""}data: ${data}\n\n`);
  }
  if (end) res.end();
}

/** Waits for a condition by polling briefly; bounded, for asserting on what a fake received. */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, ms = 5000, what = "condition"): Promise<T> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    const value = await check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 15));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}
