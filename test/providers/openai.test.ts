import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { CancelledError, ProviderError } from "../../src/core/errors.js";
import type { ChatRequest, ModelProvider } from "../../src/core/model.js";
import { createOpenAIProvider } from "../../src/providers/openai.js";
import { waitFor } from "../fakes/http.js";
import { startOpenAIFake } from "../fakes/openai-fake.js";

const fake = await startOpenAIFake();
afterAll(() => fake.close());

const provider: ModelProvider = createOpenAIProvider({ id: "openai", name: "OpenAI", apiKey: "sk-test", baseURL: fake.baseURL, keyHint: "OPENAI_API_KEY" });

const readTool = {
  name: "read_file",
  description: "Read a file",
  parameters: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
};

function request(extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model: "gpt-4.1", system: "You are terse.", messages: [{ role: "user", content: "hello" }], ...extra };
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

beforeEach(() => {
  fake.requests.length = 0;
});

describe("openai provider: chat", () => {
  it("sends system + messages and returns text, usage and stop reason (JSON)", async () => {
    fake.script({ text: "Hi there", usage: { input: 12, output: 3 } });
    const response = await provider.chat(request({ maxTokens: 100, temperature: 0.2 }));
    expect(response).toEqual({ text: "Hi there", toolCalls: [], usage: { inputTokens: 12, outputTokens: 3 }, stopReason: "end", model: "gpt-4.1" });
    const [body] = fake.chats();
    expect(body).toMatchObject({
      model: "gpt-4.1",
      messages: [
        { role: "system", content: "You are terse." },
        { role: "user", content: "hello" },
      ],
      max_completion_tokens: 100,
      temperature: 0.2,
    });
    expect(body?.stream).toBeUndefined();
    expect(fake.requests[0]?.headers.authorization).toBe("Bearer sk-test");
  });

  it("streams text deltas through onText and asks for usage", async () => {
    fake.script({ text: "Streaming works", usage: { input: 7, output: 4 } });
    const deltas: string[] = [];
    const response = await provider.chat(request(), { onText: (d) => deltas.push(d) });
    expect(deltas.join("")).toBe("Streaming works");
    expect(deltas).toEqual(["Streamin", "g works"]);
    expect(response.text).toBe("Streaming works");
    expect(response.usage).toEqual({ inputTokens: 7, outputTokens: 4 });
    expect(fake.chats()[0]).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it("maps tools, tool_choice and returns parsed tool calls (JSON)", async () => {
    fake.script({ toolCalls: [{ name: "read_file", input: { path: "a.txt" } }], text: "Reading." });
    const response = await provider.chat(request({ tools: [readTool], toolChoice: "read_file" }));
    expect(response.stopReason).toBe("tool_use");
    expect(response.text).toBe("Reading.");
    expect(response.toolCalls).toEqual([{ id: expect.any(String), name: "read_file", input: { path: "a.txt" } }]);
    expect(fake.chats()[0]).toMatchObject({
      tools: [{ type: "function", function: { name: "read_file", description: "Read a file", parameters: readTool.parameters } }],
      tool_choice: { type: "function", function: { name: "read_file" } },
    });
  });

  it("joins streamed tool-call fragments", async () => {
    fake.script({
      toolCalls: [
        { name: "read_file", input: { path: "src/x.ts" } },
        { name: "read_file", input: { path: "b" } },
      ],
    });
    const response = await provider.chat(request({ tools: [readTool] }), { onText: () => {} });
    expect(response.toolCalls.map((c) => c.input)).toEqual([{ path: "src/x.ts" }, { path: "b" }]);
    expect(response.stopReason).toBe("tool_use");
  });

  it("sends tool results as role:tool after the assistant's tool_calls", async () => {
    fake.script({ text: "done" });
    await provider.chat(
      request({
        messages: [
          { role: "user", content: "read a" },
          { role: "assistant", content: "", toolCalls: [{ id: "call_1", name: "read_file", input: { path: "a" } }] },
          { role: "tool", toolCallId: "call_1", name: "read_file", content: "contents of a" },
          { role: "tool", toolCallId: "call_zzz", name: "read_file", content: "orphan" },
        ],
      }),
    );
    const messages = fake.chats()[0]?.messages;
    expect(messages).toEqual([
      { role: "system", content: "You are terse." },
      { role: "user", content: "read a" },
      { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "read_file", arguments: '{"path":"a"}' } }] },
      { role: "tool", tool_call_id: "call_1", content: "contents of a" },
      { role: "user", content: "Result of tool read_file:\norphan" },
    ]);
  });

  it("keeps unparsable tool arguments raw and gives {} as input", async () => {
    fake.script({
      http: {
        json: {
          id: "x",
          object: "chat.completion",
          created: 1,
          model: "gpt-4.1",
          choices: [
            {
              index: 0,
              finish_reason: "tool_calls",
              message: {
                role: "assistant",
                content: null,
                tool_calls: [{ id: "c1", type: "function", function: { name: "read_file", arguments: "{not json" } }],
              },
            },
          ],
        },
      },
    });
    const response = await provider.chat(request());
    expect(response.toolCalls).toEqual([{ id: "c1", name: "read_file", input: {}, rawInput: "{not json" }]);
  });

  it("lists models", async () => {
    const models = await provider.listModels();
    expect(models.map((m) => m.id)).toContain("gpt-4.1-mini");
    expect(fake.requests[0]?.path).toBe("/v1/models");
  });
});

describe("openai provider: errors", () => {
  it("429 → rate_limited with retry-after, one request (no SDK retries)", async () => {
    fake.script({ error: { status: 429, message: "Rate limit reached", headers: { "retry-after": "3" } } });
    const error = await failure(provider.chat(request()));
    expect(error.kind).toBe("rate_limited");
    expect(error.retryAfterMs).toBe(3000);
    expect(error.status).toBe(429);
    expect(fake.requests).toHaveLength(1);
  });

  it("429 insufficient_quota is fatal: waiting does not fix billing", async () => {
    fake.script({ error: { status: 429, code: "insufficient_quota", message: "You exceeded your current quota" } });
    expect((await failure(provider.chat(request()))).kind).toBe("fatal");
  });

  it("retry-after-ms wins over retry-after", async () => {
    fake.script({ error: { status: 429, headers: { "retry-after-ms": "250", "retry-after": "9" } } });
    expect((await failure(provider.chat(request()))).retryAfterMs).toBe(250);
  });

  it("401 → auth naming where the key comes from", async () => {
    fake.script({ error: { status: 401, message: "Incorrect API key provided" } });
    const error = await failure(provider.chat(request()));
    expect(error.kind).toBe("auth");
    expect(error.message).toBe("OpenAI said 401 Incorrect API key provided: check OPENAI_API_KEY");
  });

  it("context_length_exceeded → context_overflow", async () => {
    fake.script({ error: { status: 400, code: "context_length_exceeded", message: "This model's maximum context length is 128000 tokens." } });
    expect((await failure(provider.chat(request()))).kind).toBe("context_overflow");
  });

  it("Groq-style 'Please reduce the length' → context_overflow; other 400 → fatal", async () => {
    fake.script(
      { error: { status: 400, message: "Please reduce the length of the messages or completion." } },
      { error: { status: 400, message: "Invalid value for temperature" } },
    );
    expect((await failure(provider.chat(request()))).kind).toBe("context_overflow");
    expect((await failure(provider.chat(request()))).kind).toBe("fatal");
  });

  it("500, 503 text, 408 → retryable", async () => {
    fake.script({ error: { status: 500 } }, { error: { status: 503, body: "upstream connect error" } }, { error: { status: 408 } });
    for (let i = 0; i < 3; i++) expect((await failure(provider.chat(request()))).kind).toBe("retryable");
    expect(fake.requests).toHaveLength(3);
  });

  it("a dropped connection → retryable (JSON and mid-stream)", async () => {
    fake.script({ drop: true }, { drop: true, text: "partial" });
    expect((await failure(provider.chat(request()))).kind).toBe("retryable");
    const deltas: string[] = [];
    const error = await failure(provider.chat(request(), { onText: (d) => deltas.push(d) }));
    expect(error.kind).toBe("retryable");
    expect(deltas.join("")).toBe("partial");
  });

  it("connection refused → retryable naming the base URL", async () => {
    const dead = await startOpenAIFake();
    await dead.close();
    const offline = createOpenAIProvider({ id: "groq", name: "Groq", apiKey: "k", baseURL: dead.baseURL });
    const error = await failure(offline.chat(request()));
    expect(error.kind).toBe("retryable");
    expect(error.message).toContain(`Groq connection to ${dead.baseURL} failed`);
  });

  it("abort of an in-flight request → CancelledError", async () => {
    fake.script({ http: { stream: () => {} } });
    const controller = new AbortController();
    const pending = provider.chat(request(), { signal: controller.signal });
    await waitFor(() => fake.requests.length === 1, 5000, "the chat request");
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
  });

  it("abort mid-stream → CancelledError, not a partial answer", async () => {
    fake.script({
      http: {
        stream: (res) =>
          void res
            .writeHead(200, { "content-type": "text/event-stream" })
            .write(
              `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { content: "par" }, finish_reason: null }] })}\n\n`,
            ),
      },
    });
    const controller = new AbortController();
    const pending = provider.chat(request(), { signal: controller.signal, onText: () => controller.abort() });
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
  });

  it("an exhausted script answers a clear 500", async () => {
    const error = await failure(provider.chat(request()));
    expect(error.message).toContain("fake: script exhausted");
  });
});

describe("openai-compatible vendors", () => {
  it("uses max_tokens, any path prefix and default headers", async () => {
    const openrouter = createOpenAIProvider({ id: "openrouter", apiKey: "k", baseURL: `${fake.url}/api/v1`, defaultHeaders: { "X-Title": "openkoi" } });
    fake.script({ text: "ok" });
    await openrouter.chat(request({ model: "openrouter/auto", maxTokens: 50 }));
    expect(fake.requests[0]?.path).toBe("/api/v1/chat/completions");
    expect(fake.requests[0]?.headers["x-title"]).toBe("openkoi");
    expect(fake.chats()[0]).toMatchObject({ max_tokens: 50, model: "openrouter/auto" });
  });
});
