/**
 * A loopback fake of Anthropic's Messages API with scripted replies (same script as openai-fake.ts).
 *
 *   const fake = await startAnthropicFake();
 *   fake.script({ toolCalls: [{ name: "read", input: { path: "a" } }] }, { text: "done" });
 *   new Anthropic({ apiKey: "k", baseURL: fake.baseURL, maxRetries: 0 });
 */
import type { Reply } from "./http.js";
import { startFake, writeSse } from "./http.js";
import {
  type AnswerReply,
  asRecord,
  createScript,
  dropReply,
  type FakeError,
  halves,
  type ModelFake,
  type ModelFakeOptions,
  type RequestView,
  type ScriptedReply,
} from "./openai-fake.js";

export type { ModelFake, ModelFakeOptions, ReplyFunction, RequestView, ScriptedReply, ScriptItem } from "./openai-fake.js";

const DEFAULT_MODELS = ["claude-sonnet-4-6", "claude-opus-4-6", "claude-sonnet-4-5-20250929", "claude-sonnet-4-20250514", "claude-haiku-4-5-20251001"];

const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

type Block = { type: "text"; text: string } | { type: "tool_use"; id: string; name: string; input: unknown };

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map(asRecord)
    .filter((block) => block.type === "text")
    .map((block) => String(block.text ?? ""))
    .join("");
}

function anthropicView(body: Record<string, unknown>): RequestView {
  const messages = Array.isArray(body.messages) ? body.messages.map(asRecord) : [];
  const users = messages.filter((message) => message.role === "user");
  const choice = asRecord(body.tool_choice).name;
  return {
    model: String(body.model ?? ""),
    system: textOf(body.system),
    lastUser: textOf(users.at(-1)?.content),
    messageCount: messages.length,
    tools: Array.isArray(body.tools) ? body.tools.map((tool) => String(asRecord(tool).name)) : [],
    toolChoice: typeof choice === "string" ? choice : undefined,
    stream: body.stream === true,
  };
}

function errorReply(error: FakeError): Reply {
  const type = error.type ?? ERROR_TYPES[error.status] ?? "api_error";
  const json = error.body ?? { type: "error", error: { type, message: error.message ?? `fake error ${error.status}` }, request_id: "req_fake" };
  return { status: error.status, json, headers: { "request-id": "req_fake", ...error.headers } };
}

function blocksOf(reply: AnswerReply, n: number): Block[] {
  const blocks: Block[] = reply.text ? [{ type: "text", text: reply.text }] : [];
  const calls = "toolCalls" in reply ? reply.toolCalls : [];
  for (const [i, call] of calls.entries()) {
    blocks.push({ type: "tool_use", id: call.id ?? `toolu_fake_${n}_${i}`, name: call.name, input: call.input ?? {} });
  }
  return blocks;
}

const event = (type: string, data: Record<string, unknown> = {}) => ({ event: type, data: { type, ...data } });

function startEvents(model: string, n: number, input: number): Array<{ event: string; data: unknown }> {
  const message = {
    id: `msg_fake_${n}`,
    type: "message",
    role: "assistant",
    model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: input, output_tokens: 1 },
  };
  return [event("message_start", { message }), event("ping")];
}

function blockEvents(block: Block, index: number): Array<{ event: string; data: unknown }> {
  if (block.type === "text") {
    return [
      event("content_block_start", { index, content_block: { type: "text", text: "" } }),
      ...halves(block.text).map((text) => event("content_block_delta", { index, delta: { type: "text_delta", text } })),
      event("content_block_stop", { index }),
    ];
  }
  const json = JSON.stringify(block.input);
  return [
    event("content_block_start", { index, content_block: { type: "tool_use", id: block.id, name: block.name, input: {} } }),
    ...halves(json).map((partial_json) => event("content_block_delta", { index, delta: { type: "input_json_delta", partial_json } })),
    event("content_block_stop", { index }),
  ];
}

function render(reply: ScriptedReply, body: Record<string, unknown>, n: number): Reply {
  const model = String(body.model ?? "claude-fake");
  const stream = body.stream === true;
  if ("http" in reply) return reply.http;
  if ("error" in reply) return errorReply(reply.error);
  if ("drop" in reply) {
    if (!stream || reply.text === undefined) return dropReply(undefined);
    const partial = [
      event("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
      event("content_block_delta", { index: 0, delta: { type: "text_delta", text: reply.text } }),
    ];
    return dropReply([...startEvents(model, n, 1), ...partial]);
  }
  const blocks = blocksOf(reply, n);
  const usage = reply.usage ?? { input: 10, output: 5 };
  const stopReason = ("stopReason" in reply ? reply.stopReason : undefined) ?? (blocks.some((b) => b.type === "tool_use") ? "tool_use" : "end_turn");
  if (!stream) {
    const message = {
      id: `msg_fake_${n}`,
      type: "message",
      role: "assistant",
      model,
      content: blocks,
      stop_reason: stopReason,
      stop_sequence: null,
      usage: { input_tokens: usage.input, output_tokens: usage.output, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    };
    return { json: message, headers: { "request-id": `req_fake_${n}` } };
  }
  const events = [
    ...startEvents(model, n, usage.input),
    ...blocks.flatMap((block, index) => blockEvents(block, index)),
    event("message_delta", { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: usage.output } }),
    event("message_stop"),
  ];
  return { stream: (res) => writeSse(res, events) };
}

export async function startAnthropicFake(options: ModelFakeOptions = {}): Promise<ModelFake> {
  const script = createScript(options);
  let models = options.models ?? DEFAULT_MODELS;
  let count = 0;
  let gate: Promise<void> | undefined;
  const server = await startFake("anthropic", async (request) => {
    if (request.method === "GET" && request.path === "/v1/models") {
      const data = models.map((id) => ({ type: "model", id, display_name: id, created_at: "2025-01-01T00:00:00Z" }));
      return { json: { data, has_more: false, first_id: models[0] ?? null, last_id: models.at(-1) ?? null } };
    }
    if (request.method === "POST" && request.path === "/v1/messages/count_tokens") {
      return { json: { input_tokens: Math.ceil(request.raw.length / 4) } };
    }
    if (request.method === "POST" && request.path === "/v1/messages") {
      if (gate) await gate;
      const body = asRecord(request.body);
      count += 1;
      return render(script.next(body, anthropicView(body), request), body, count);
    }
    return undefined;
  });
  return {
    url: server.url,
    baseURL: server.url,
    requests: server.requests,
    chats: () => server.requests.filter((r) => r.path === "/v1/messages").map((r) => asRecord(r.body)),
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
