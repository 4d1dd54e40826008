import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { CancelledError, ProviderError } from "../../src/core/errors.js";
import type { ChatRequest } from "../../src/core/model.js";
import { createAnthropicProvider } from "../../src/providers/anthropic.js";
import { startAnthropicFake } from "../fakes/anthropic-fake.js";
import { waitFor } from "../fakes/http.js";

const fake = await startAnthropicFake();
afterAll(() => fake.close());

const provider = createAnthropicProvider({ apiKey: "sk-ant-test", baseURL: fake.baseURL, keyHint: "ANTHROPIC_API_KEY" });
const readTool = { name: "read_file", description: "Read a file", parameters: { type: "object", properties: { path: { type: "string" } } } };

function request(extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model: "claude-sonnet-4-6", system: "Be brief.", messages: [{ role: "user", content: "hello" }], ...extra };
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

describe("anthropic provider: chat", () => {
  it("sends the system prompt as `system` and returns text and usage (JSON)", async () => {
    fake.script({ text: "Hi", usage: { input: 20, output: 2 } });
    const response = await provider.chat(request({ maxTokens: 256 }));
    expect(response).toEqual({ text: "Hi", toolCalls: [], usage: { inputTokens: 20, outputTokens: 2 }, stopReason: "end", model: "claude-sonnet-4-6" });
    const [body] = fake.chats();
    expect(body).toMatchObject({
      model: "claude-sonnet-4-6",
      max_tokens: 256,
      system: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }],
      messages: [{ role: "user", content: [{ type: "text", text: "hello" }] }],
    });
    expect(fake.requests[0]?.headers["anthropic-version"]).toEqual(expect.any(String));
  });

  it("defaults max_tokens when none is given", async () => {
    fake.script({ text: "ok" });
    await provider.chat(request());
    expect(fake.chats()[0]?.max_tokens).toBe(8192);
  });

  it("streams text through onText, usage from message_delta", async () => {
    fake.script({ text: "Hello stream", usage: { input: 9, output: 6 } });
    const deltas: string[] = [];
    const response = await provider.chat(request(), { onText: (d) => deltas.push(d) });
    expect(deltas.join("")).toBe("Hello stream");
    expect(deltas).toEqual(["Hello ", "stream"]);
    expect(response.usage).toEqual({ inputTokens: 9, outputTokens: 6 });
    expect(fake.chats()[0]?.stream).toBe(true);
  });

  it("tool_use ↔ ToolCall both ways, tool_choice, input_schema (JSON and streaming)", async () => {
    fake.script(
      { text: "Let me look.", toolCalls: [{ name: "read_file", input: { path: "a.md" } }] },
      { toolCalls: [{ name: "read_file", input: { path: "b.md" } }] },
    );
    const json = await provider.chat(request({ tools: [readTool], toolChoice: "read_file" }));
    expect(json.stopReason).toBe("tool_use");
    expect(json.text).toBe("Let me look.");
    expect(json.toolCalls).toEqual([{ id: expect.stringMatching(/^toolu_/), name: "read_file", input: { path: "a.md" } }]);
    expect(fake.chats()[0]).toMatchObject({
      tools: [{ name: "read_file", description: "Read a file", input_schema: readTool.parameters }],
      tool_choice: { type: "tool", name: "read_file" },
    });
    const streamed = await provider.chat(request({ tools: [readTool] }), { onText: () => {} });
    expect(streamed.toolCalls.map((c) => c.input)).toEqual([{ path: "b.md" }]);
  });

  it("sends tool results as tool_result blocks in one user message", async () => {
    fake.script({ text: "done" });
    await provider.chat(
      request({
        messages: [
          { role: "user", content: "read both" },
          {
            role: "assistant",
            content: "Reading.",
            toolCalls: [
              { id: "toolu_1", name: "read_file", input: { path: "a" } },
              { id: "toolu_2", name: "read_file", input: { path: "b" } },
            ],
          },
          { role: "tool", toolCallId: "toolu_1", name: "read_file", content: "A" },
          { role: "tool", toolCallId: "toolu_2", name: "read_file", content: "no such file", isError: true },
          { role: "user", content: "and?" },
        ],
      }),
    );
    expect(fake.chats()[0]?.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "read both" }] },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Reading." },
          { type: "tool_use", id: "toolu_1", name: "read_file", input: { path: "a" } },
          { type: "tool_use", id: "toolu_2", name: "read_file", input: { path: "b" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "toolu_1", content: "A" },
          { type: "tool_result", tool_use_id: "toolu_2", content: "no such file", is_error: true },
          { type: "text", text: "and?" },
        ],
      },
    ]);
  });

  it("answers an unanswered tool call with a synthetic error result", async () => {
    fake.script({ text: "ok" });
    await provider.chat(
      request({
        messages: [
          { role: "user", content: "go" },
          { role: "assistant", content: "", toolCalls: [{ id: "toolu_9", name: "read_file", input: {} }] },
          { role: "user", content: "never mind" },
        ],
      }),
    );
    const messages = fake.chats()[0]?.messages as Array<{ content: Array<Record<string, unknown>> }>;
    expect(messages[2]?.content[0]).toMatchObject({ type: "tool_result", tool_use_id: "toolu_9", is_error: true });
  });

  it("the fake's gate holds a reply until released", async () => {
    let release = () => {};
    fake.setGate(
      new Promise<void>((resolve) => {
        release = resolve;
      }),
    );
    fake.script({ text: "late" });
    const pending = provider.chat(request());
    await waitFor(() => fake.requests.length === 1, 5000, "the gated request");
    fake.setGate(undefined);
    release();
    expect((await pending).text).toBe("late");
  });

  it("lists models", async () => {
    const models = await provider.listModels();
    expect(models.map((m) => m.id)).toContain("claude-sonnet-4-5-20250929");
  });
});

describe("anthropic provider: errors", () => {
  it("529 overloaded → retryable; 500 → retryable; one request each", async () => {
    fake.script({ error: { status: 529, message: "Overloaded" } }, { error: { status: 500 } });
    expect((await failure(provider.chat(request()))).kind).toBe("retryable");
    expect((await failure(provider.chat(request()))).kind).toBe("retryable");
    expect(fake.requests).toHaveLength(2);
  });

  it("429 → rate_limited with retry-after", async () => {
    fake.script({ error: { status: 429, message: "Number of request tokens has exceeded your per-minute rate limit", headers: { "retry-after": "2" } } });
    const error = await failure(provider.chat(request()));
    expect(error.kind).toBe("rate_limited");
    expect(error.retryAfterMs).toBe(2000);
  });

  it("'prompt is too long' → context_overflow; 413 → context_overflow", async () => {
    fake.script(
      { error: { status: 400, message: "prompt is too long: 208310 tokens > 200000 maximum" } },
      { error: { status: 413, message: "Request exceeds the maximum allowed number of bytes." } },
    );
    expect((await failure(provider.chat(request()))).kind).toBe("context_overflow");
    expect((await failure(provider.chat(request()))).kind).toBe("context_overflow");
  });

  it("401 → auth with the API's message and where to fix it", async () => {
    fake.script({ error: { status: 401, message: "invalid x-api-key" } });
    const error = await failure(provider.chat(request()));
    expect(error.kind).toBe("auth");
    expect(error.message).toBe("Anthropic said 401 invalid x-api-key: check ANTHROPIC_API_KEY");
  });

  it("400 invalid request → fatal", async () => {
    fake.script({ error: { status: 400, message: "messages: roles must alternate" } });
    expect((await failure(provider.chat(request()))).kind).toBe("fatal");
  });

  it("a drop mid-stream → retryable after the partial text", async () => {
    fake.script({ drop: true, text: "partial" });
    const deltas: string[] = [];
    const error = await failure(provider.chat(request(), { onText: (d) => deltas.push(d) }));
    expect(error.kind).toBe("retryable");
    expect(deltas.join("")).toBe("partial");
  });

  it("an in-band `event: error` (overloaded) → retryable", async () => {
    const start = {
      type: "message_start",
      message: {
        id: "m",
        type: "message",
        role: "assistant",
        model: "m",
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 1, output_tokens: 0 },
      },
    };
    const overloaded = { type: "error", error: { type: "overloaded_error", message: "Overloaded" } };
    fake.script({
      http: {
        stream: (res) => {
          res.writeHead(200, { "content-type": "text/event-stream" });
          res.end(`event: message_start\ndata: ${JSON.stringify(start)}\n\nevent: error\ndata: ${JSON.stringify(overloaded)}\n\n`);
        },
      },
    });
    const error = await failure(provider.chat(request(), { onText: () => {} }));
    expect(error.kind).toBe("retryable");
    expect(error.message).toContain("Overloaded");
  });

  it("abort of an in-flight stream → CancelledError", async () => {
    fake.script({ http: { stream: () => {} } });
    const controller = new AbortController();
    const pending = provider.chat(request(), { signal: controller.signal, onText: () => {} });
    await waitFor(() => fake.requests.length === 1, 5000, "the messages request");
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
  });
});
