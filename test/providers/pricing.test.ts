import { describe, expect, it } from "vitest";
import { findPrice, priceUsage } from "../../src/providers/pricing.js";

const million = { inputTokens: 1_000_000, outputTokens: 1_000_000 };

describe("priceUsage", () => {
  it("prices known models per million input/output tokens", () => {
    expect(priceUsage("anthropic", "claude-sonnet-4-20250514", million)).toEqual({ costUsd: 18, priced: true });
    expect(priceUsage("anthropic", "claude-opus-4-1-20250805", million)).toEqual({ costUsd: 90, priced: true });
    expect(priceUsage("openai", "gpt-4o-mini", { inputTokens: 2_000_000, outputTokens: 0 })).toEqual({ costUsd: 0.3, priced: true });
    expect(priceUsage("deepseek", "deepseek-chat", { inputTokens: 1000, outputTokens: 1000 }).costUsd).toBeCloseTo(0.0007, 10);
  });

  it("matches the longest prefix", () => {
    expect(findPrice("openai", "gpt-4.1-mini-2025-04-14")).toEqual({ input: 0.4, output: 1.6 });
    expect(findPrice("openai", "gpt-4.1-2025-04-14")).toEqual({ input: 2, output: 8 });
    expect(findPrice("openai", "o3-mini")).toEqual({ input: 1.1, output: 4.4 });
    expect(findPrice("openai", "o3")).toEqual({ input: 2, output: 8 });
    expect(findPrice("anthropic", "claude-opus-4-6")).toEqual({ input: 5, output: 25 });
    expect(findPrice("google", "gemini-2.5-flash-lite")).toEqual({ input: 0.1, output: 0.4 });
  });

  it("prices open models by host, and OpenRouter's vendor/model ids by the vendor's name", () => {
    expect(findPrice("groq", "llama-3.3-70b-versatile")).toEqual({ input: 0.59, output: 0.79 });
    expect(findPrice("together", "meta-llama/Llama-3.3-70B-Instruct-Turbo")).toEqual({ input: 0.88, output: 0.88 });
    expect(findPrice("openrouter", "anthropic/claude-sonnet-4")).toEqual({ input: 3, output: 15 });
  });

  it("unknown models cost 0 and are unpriced; Ollama is free and priced", () => {
    expect(priceUsage("custom", "my-finetune", million)).toEqual({ costUsd: 0, priced: false });
    expect(priceUsage("openrouter", "openrouter/auto", million)).toEqual({ costUsd: 0, priced: false });
    expect(priceUsage("ollama", "qwen2.5-coder:7b", million)).toEqual({ costUsd: 0, priced: true });
  });
});
