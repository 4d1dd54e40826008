/**
 * A loopback fake of the OpenAI API (and every OpenAI-compatible service) with scripted replies.
 * Also home of the reply script both model fakes share (anthropic-fake.ts imports it).
 *
 *   const fake = await startOpenAIFake();
 *   fake.script({ text: "hi" }, { toolCalls: [{ name: "read", input: { path: "a" } }] }, { error: { status: 429, headers: { "retry-after": "1" } } });
 *   new OpenAI({ apiKey: "k", baseURL: fake.baseURL, maxRetries: 0 });
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type RecordedRequest, type Reply, startFake, writeSse } from "./http.js";

export interface FakeUsage {
  input: number;
  output: number;
}

export interface FakeToolCall {
  name: string;
  input: unknown;
  id?: string;
}

export interface FakeError {
  status: number;
  /** The whole JSON body; by default one in the platform's error shape is built from message/code/type. */
  body?: unknown;
  headers?: Record<string, string>;
  message?: string;
  code?: string;
  type?: string;
}

export type ScriptedReply =
  | { text: string; usage?: FakeUsage; stopReason?: string }
  | { toolCalls: FakeToolCall[]; text?: string; usage?: FakeUsage }
  | { error: FakeError }
  /** Destroys the socket; with `text` on a streaming request the text is streamed first. */
  | { drop: true; text?: string }
  /** Escape hatch: answer with this raw HTTP reply (odd payloads, or `{ stream: () => {} }` to hang until closed). */
  | { http: Reply };

/** What a reply function sees besides the raw body: the request in wire-neutral terms. */
export interface RequestView {
  model: string;
  system: string;
  lastUser: string;
  messageCount: number;
  tools: string[];
  toolChoice: string | undefined;
  stream: boolean;
}

export type ReplyFunction = (body: Record<string, unknown>, view: RequestView, request: RecordedRequest) => ScriptedReply;
export type ScriptItem = ScriptedReply | ReplyFunction;

export interface ModelFake {
  url: string;
  /** What to pass to the SDK as baseURL. */
  baseURL: string;
  /** Every request the fake received. */
  requests: RecordedRequest[];
  /** The parsed bodies of the chat requests, in order. */
  chats(): Array<Record<string, unknown>>;
  /** Appends replies; each chat request consumes one. A function looks at the request to decide. */
  script(...items: ScriptItem[]): void;
  /** Answers chat requests once the script is exhausted (default: 500 "fake: script exhausted"). */
  respondWith(fn: ReplyFunction | undefined): void;
  setModels(ids: string[]): void;
  /** While set, chat requests wait for this promise before answering (an agent that is "still working"). */
  setGate(gate: Promise<void> | undefined): void;
  close(): Promise<void>;
}

export interface ModelFakeOptions {
  models?: string[];
  script?: ScriptItem[];
  respondWith?: ReplyFunction;
}

export const EXHAUSTED: ScriptedReply = { error: { status: 500, message: "fake: script exhausted" } };

export function createScript(options: ModelFakeOptions) {
  const queue: ScriptItem[] = [...(options.script ?? [])];
  let fallback = options.respondWith;
  return {
    push: (...items: ScriptItem[]) => void queue.push(...items),
    respondWith: (fn: ReplyFunction | undefined) => {
      fallback = fn;
    },
    next(body: Record<string, unknown>, view: RequestView, request: RecordedRequest): ScriptedReply {
      const item = queue.shift() ?? fallback;
      if (!item) return EXHAUSTED;
      return typeof item === "function" ? item(body, view, request) : item;
    },
  };
}

export function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function halves(text: string): string[] {
  if (text.length < 2) return text ? [text] : [];
  const mid = Math.ceil(text.length / 2);
  return [text.slice(0, mid), text.slice(mid)];
}

/** Destroys the connection: before any byte, or after streaming `events` as SSE (flushed first). */
export function dropReply(events: Array<{ event?: string; data: unknown }> | undefined): Reply {
  return {
    stream: (res: ServerResponse, req: IncomingMessage) => {
      if (!events) return void req.socket.destroy();
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      const text = events
        .map((item) => `${item.event ? `event: ${item.event}\n` : ""}data: ${typeof item.data === "string" ? item.data : JSON.stringify(item.data)}\n\n`)
        .join("");
      res.write(text, () => req.socket.destroy());
    },
  };
}

const DEFAULT_USAGE: FakeUsage = { input: 10, output: 5 };
const DEFAULT_MODELS = ["gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "gpt-4o", "gpt-4o-mini", "o3", "o4-mini"];

function openAIView(body: Record<string, unknown>): RequestView {
  const messages = Array.isArray(body.messages) ? body.messages.map(asRecord) : [];
  const text = (message: Record<string, unknown> | undefined) => (typeof message?.content === "string" ? message.content : "");
  const tools = Array.isArray(body.tools) ? body.tools.map((tool) => String(asRecord(asRecord(tool).function).name)) : [];
  const choice = asRecord(asRecord(body.tool_choice).function).name;
  return {
    model: String(body.model ?? ""),
    system: text(messages.find((message) => message.role === "system")),
    lastUser: text(messages.filter((message) => message.role === "user").at(-1)),
    messageCount: messages.length,
    tools,
    toolChoice: typeof choice === "string" ? choice : undefined,
    stream: body.stream === true,
  };
}

function errorReply(error: FakeError): Reply {
  const json = error.body ?? {
    error: { message: error.message ?? `fake error ${error.status}`, type: error.type ?? "server_error", param: null, code: error.code ?? null },
  };
  return { status: error.status, json, headers: error.headers ?? {} };
}

interface Answer {
  text: string;
  calls: Array<{ id: string; name: string; arguments: string }>;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  finish: string;
}

export type AnswerReply = Exclude<ScriptedReply, { error: FakeError } | { drop: true } | { http: Reply }>;

function answerOf(reply: AnswerReply, n: number): Answer {
  const usage = reply.usage ?? DEFAULT_USAGE;
  const toolCalls = "toolCalls" in reply ? reply.toolCalls : [];
  const calls = toolCalls.map((call, i) => ({ id: call.id ?? `call_${n}_${i}`, name: call.name, arguments: JSON.stringify(call.input ?? {}) }));
  const stop = "stopReason" in reply ? reply.stopReason : undefined;
  return {
    text: reply.text ?? "",
    calls,
    usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output },
    finish: stop ?? (calls.length ? "tool_calls" : "stop"),
  };
}

function jsonCompletion(answer: Answer, model: string, n: number): Reply {
  const toolCalls = answer.calls.map((call) => ({ id: call.id, type: "function", function: { name: call.name, arguments: call.arguments } }));
  const message = { role: "assistant", content: answer.text || null, refusal: null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) };
  return {
    json: {
      id: `chatcmpl-fake-${n}`,
      object: "chat.completion",
      created: 1_700_000_000,
      model,
      choices: [{ index: 0, message, finish_reason: answer.finish, logprobs: null }],
      usage: answer.usage,
    },
  };
}

function chunkEvents(answer: Answer, model: string, n: number, includeUsage: boolean, partial = false): Array<{ data: unknown }> {
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({
    data: { id: `chatcmpl-fake-${n}`, object: "chat.completion.chunk", created: 1_700_000_000, model, choices, ...extra },
  });
  const delta = (value: Record<string, unknown>, finish: string | null = null) => chunk([{ index: 0, delta: value, finish_reason: finish }]);
  const events = [delta({ role: "assistant", content: "" })];
  for (const piece of halves(answer.text)) events.push(delta({ content: piece }));
  if (partial) return events;
  answer.calls.forEach((call, index) => {
    events.push(delta({ tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }] }));
    for (const piece of halves(call.arguments)) events.push(delta({ tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  events.push(delta({}, answer.finish));
  if (includeUsage) events.push(chunk([], { usage: answer.usage }));
  return [...events, { data: "[DONE]" }];
}

function render(reply: ScriptedReply, body: Record<string, unknown>, n: number): Reply {
  const model = String(body.model ?? "fake-model");
  const stream = body.stream === true;
  if ("http" in reply) return reply.http;
  if ("error" in reply) return errorReply(reply.error);
  if ("drop" in reply) {
    const partial = stream && reply.text !== undefined ? chunkEvents(answerOf({ text: reply.text }, n), model, n, false, true) : undefined;
    return dropReply(partial);
  }
  const answer = answerOf(reply, n);
  if (!stream) return jsonCompletion(answer, model, n);
  const includeUsage = asRecord(body.stream_options).include_usage === true;
  const events = chunkEvents(answer, model, n, includeUsage);
  return { stream: (res) => writeSse(res, events) };
}

export async function startOpenAIFake(options: ModelFakeOptions = {}): Promise<ModelFake> {
  const script = createScript(options);
  let models = options.models ?? DEFAULT_MODELS;
  let count = 0;
  let gate: Promise<void> | undefined;
  const server = await startFake("openai", async (request) => {
    if (request.method === "GET" && request.path.endsWith("/models")) {
      return { json: { object: "list", data: models.map((id) => ({ id, object: "model", created: 1_700_000_000, owned_by: "fake" })) } };
    }
    // Ollama's native model list, so the same fake can stand in for a local Ollama.
    if (request.method === "GET" && request.path === "/api/tags") {
      return { json: { models: models.map((name) => ({ name, model: name, modified_at: "2025-01-01T00:00:00Z", size: 1, digest: "fake", details: {} })) } };
    }
    if (request.method === "POST" && request.path.endsWith("/chat/completions")) {
      if (gate) await gate;
      const body = asRecord(request.body);
      count += 1;
      return render(script.next(body, openAIView(body), request), body, count);
    }
    return undefined;
  });
  return {
    url: server.url,
    baseURL: `${server.url}/v1`,
    requests: server.requests,
    chats: () => server.requests.filter((r) => r.path.endsWith("/chat/completions")).map((r) => asRecord(r.body)),
    script: script.push,
    respondWith: script.respondWith,
    setModels: (ids) => {
      models = ids;
    },
    setGate: (next) => {
      gate = next;
    },
    close: server.close,
  };
}
