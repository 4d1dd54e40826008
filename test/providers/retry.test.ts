import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { CancelledError, ProviderError } from "../../src/core/errors.js";
import type { ChatRequest } from "../../src/core/model.js";
import { createAnthropicProvider } from "../../src/providers/anthropic.js";
import { createOpenAIProvider } from "../../src/providers/openai.js";
import { type RetryInfo, retryDelay, sleep, withRetry } from "../../src/providers/retry.js";
import { startAnthropicFake } from "../fakes/anthropic-fake.js";
import { waitFor } from "../fakes/http.js";
import { startOpenAIFake } from "../fakes/openai-fake.js";

const openai = await startOpenAIFake();
const anthropic = await startAnthropicFake();
afterAll(async () => {
  await openai.close();
  await anthropic.close();
});

const request: ChatRequest = { model: "gpt-4.1", messages: [{ role: "user", content: "hi" }] };
const retries: RetryInfo[] = [];
const waits: number[] = [];
// Waits are recorded, not slept: the figures the retry owner chose are asserted exactly.
const fast = {
  baseDelayMs: 5,
  maxDelayMs: 20,
  onRetry: (info: RetryInfo) => void retries.push(info),
  sleep: async (ms: number) => void waits.push(ms),
};
const raw = createOpenAIProvider({ id: "openai", apiKey: "k", baseURL: openai.baseURL });
const provider = withRetry(raw, fast);

beforeEach(() => {
  openai.requests.length = 0;
  anthropic.requests.length = 0;
  retries.length = 0;
  waits.length = 0;
});

describe("withRetry against the real SDKs", () => {
  it("429 with retry-after: 1 waits a second, then succeeds", async () => {
    openai.script({ error: { status: 429, headers: { "retry-after": "1" } } }, { text: "ok" });
    const response = await provider.chat(request);
    expect(response.text).toBe("ok");
    expect(openai.chats()).toHaveLength(2);
    expect(waits).toEqual([1000]);
    expect(retries).toMatchObject([{ operation: "chat", provider: "openai", attempt: 1, delayMs: 1000 }]);
    expect(retries[0]?.error.kind).toBe("rate_limited");
  });

  it("two 500s, then success: three requests", async () => {
    openai.script({ error: { status: 500 } }, { error: { status: 502 } }, { text: "third time" });
    expect((await provider.chat(request)).text).toBe("third time");
    expect(openai.chats()).toHaveLength(3);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
  });

  it("a dropped connection, then success", async () => {
    openai.script({ drop: true }, { text: "back" });
    expect((await provider.chat(request)).text).toBe("back");
    expect(openai.chats()).toHaveLength(2);
  });

  it("a stream that dropped before any text is retried", async () => {
    openai.script({ drop: true, text: "" }, { text: "streamed" });
    const deltas: string[] = [];
    expect((await provider.chat(request, { onText: (d) => deltas.push(d) })).text).toBe("streamed");
    expect(deltas.join("")).toBe("streamed");
  });

  it("a stream that dropped after text was delivered is not retried", async () => {
    openai.script({ drop: true, text: "half an ans" });
    const deltas: string[] = [];
    const error = await provider.chat(request, { onText: (d) => deltas.push(d) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(deltas.join("")).toBe("half an ans");
    expect(openai.chats()).toHaveLength(1);
    expect(retries).toHaveLength(0);
  });

  it("context overflow, auth and fatal errors are never retried", async () => {
    openai.script(
      { error: { status: 400, code: "context_length_exceeded", message: "maximum context length" } },
      { error: { status: 401, message: "bad key" } },
      { error: { status: 404, message: "model not found" } },
    );
    for (const kind of ["context_overflow", "auth", "fatal"]) {
      const error = await provider.chat(request).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind });
    }
    expect(openai.chats()).toHaveLength(3);
    expect(retries).toHaveLength(0);
  });

  it("gives up after maxRetries with the last error (exactly maxRetries + 1 requests)", async () => {
    openai.respondWith(() => ({ error: { status: 503, message: "busy" } }));
    const limited = withRetry(raw, { ...fast, maxRetries: 2 });
    const error = await limited.chat(request).catch((e: unknown) => e);
    openai.respondWith(undefined);
    expect(error).toMatchObject({ kind: "retryable", status: 503 });
    expect(openai.chats()).toHaveLength(3);
  });

  it("maxRetries: 0 means exactly one request", async () => {
    openai.script({ error: { status: 429, headers: { "retry-after": "0" } } });
    const once = withRetry(raw, { maxRetries: 0 });
    await expect(once.chat(request)).rejects.toMatchObject({ kind: "rate_limited" });
    expect(openai.chats()).toHaveLength(1);
  });

  it("abort during the retry sleep ends quickly with CancelledError", async () => {
    openai.script({ error: { status: 429, headers: { "retry-after": "30" } } });
    const controller = new AbortController();
    const slow = withRetry(raw, { onRetry: () => controller.abort() });
    const started = Date.now();
    await expect(slow.chat(request, { signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(openai.chats()).toHaveLength(1);
  });

  it("abort while a request is in flight: CancelledError, no retry", async () => {
    openai.script({ http: { stream: () => {} } });
    const controller = new AbortController();
    const pending = provider.chat(request, { signal: controller.signal });
    await waitFor(() => openai.chats().length === 1, 5000, "the chat request");
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    expect(retries).toHaveLength(0);
  });

  it("retries Anthropic's 529 overloaded, then succeeds", async () => {
    anthropic.script({ error: { status: 529, message: "Overloaded" } }, { text: "fine" });
    const claude = withRetry(createAnthropicProvider({ apiKey: "k", baseURL: anthropic.baseURL }), fast);
    const response = await claude.chat({ ...request, model: "claude-sonnet-4-6" });
    expect(response.text).toBe("fine");
    expect(anthropic.chats()).toHaveLength(2);
  });

  it("listModels is retried too", async () => {
    const flaky = await startOpenAIFake();
    await flaky.close();
    const offline = withRetry(createOpenAIProvider({ id: "groq", apiKey: "k", baseURL: flaky.baseURL }), { ...fast, maxRetries: 1 });
    await expect(offline.listModels()).rejects.toMatchObject({ kind: "retryable" });
    expect(retries.map((r) => r.operation)).toEqual(["listModels"]);
  });
});

describe("retryDelay and sleep", () => {
  const error = (init: Partial<{ kind: "retryable" | "rate_limited"; retryAfterMs: number }> = {}) =>
    new ProviderError({ kind: "retryable", provider: "p", message: "m", ...init });

  it("backs off 2 s × 2^attempt, capped at 30 s, with ±20 % jitter", () => {
    expect(retryDelay(0, error(), { random: () => 0.5 })).toBe(2000);
    expect(retryDelay(1, error(), { random: () => 0.5 })).toBe(4000);
    expect(retryDelay(3, error(), { random: () => 0.5 })).toBe(16000);
    expect(retryDelay(7, error(), { random: () => 0.5 })).toBe(30000);
    expect(retryDelay(0, error(), { random: () => 0 })).toBe(1600);
    expect(retryDelay(7, error(), { random: () => 0.999999 })).toBeLessThanOrEqual(36000);
  });

  it("honours retry-after, capped at 60 s", () => {
    expect(retryDelay(0, error({ kind: "rate_limited", retryAfterMs: 1500 }))).toBe(1500);
    expect(retryDelay(0, error({ kind: "rate_limited", retryAfterMs: 3_600_000 }))).toBe(60_000);
  });

  it("sleep rejects at once on an aborted signal", async () => {
    await expect(sleep(10_000, AbortSignal.abort())).rejects.toBeInstanceOf(CancelledError);
  });
});
