/** List prices in USD per million tokens, matched by the longest model-id prefix. Unknown models cost 0, unpriced. */
import type { Usage } from "../core/model.js";

export interface ModelPrice {
  input: number;
  output: number;
}

const p = (input: number, output: number): ModelPrice => ({ input, output });

/** Vendor model names, priced the same wherever they are served under that name (OpenRouter's `vendor/` is stripped). */
const SHARED: Record<string, ModelPrice> = {
  "claude-opus-4": p(15, 75),
  "claude-opus-4-1": p(15, 75),
  "claude-opus-4-5": p(5, 25),
  "claude-opus-4.5": p(5, 25),
  "claude-opus-4-6": p(5, 25),
  "claude-opus-4.6": p(5, 25),
  "claude-sonnet-4": p(3, 15),
  "claude-3-7-sonnet": p(3, 15),
  "claude-3-5-sonnet": p(3, 15),
  "claude-haiku-4": p(1, 5),
  "claude-3-5-haiku": p(0.8, 4),
  "claude-haiku-3-5": p(0.8, 4),
  "claude-3-haiku": p(0.25, 1.25),
  "gpt-5": p(1.25, 10),
  "gpt-5-mini": p(0.25, 2),
  "gpt-5-nano": p(0.05, 0.4),
  "gpt-4.1": p(2, 8),
  "gpt-4.1-mini": p(0.4, 1.6),
  "gpt-4.1-nano": p(0.1, 0.4),
  "gpt-4o": p(2.5, 10),
  "gpt-4o-mini": p(0.15, 0.6),
  o1: p(15, 60),
  "o1-mini": p(1.1, 4.4),
  o3: p(2, 8),
  "o3-mini": p(1.1, 4.4),
  "o3-pro": p(20, 80),
  "o4-mini": p(1.1, 4.4),
  "gemini-2.5-pro": p(1.25, 10),
  "gemini-2.5-flash": p(0.3, 2.5),
  "gemini-2.5-flash-lite": p(0.1, 0.4),
  "gemini-2.0-flash": p(0.1, 0.4),
  "gemini-2.0-flash-lite": p(0.075, 0.3),
  "gemini-1.5-pro": p(1.25, 5),
  "gemini-1.5-flash": p(0.075, 0.3),
  "deepseek-chat": p(0.28, 0.42),
  "deepseek-reasoner": p(0.28, 0.42),
  "grok-4": p(3, 15),
  "grok-3": p(3, 15),
  "grok-3-mini": p(0.3, 0.5),
  "grok-code-fast": p(0.2, 1.5),
  "kimi-k2": p(0.6, 2.5),
  "kimi-k2.5": p(0.55, 2.19),
  "moonshot-v1-8k": p(1.71, 1.71),
  "moonshot-v1-32k": p(3.43, 3.43),
  "moonshot-v1-128k": p(8.57, 8.57),
  "qwen-turbo": p(0.05, 0.2),
  "qwen-plus": p(0.4, 1.2),
  "qwen-max": p(1.6, 6.4),
  "qwen3-coder-plus": p(1, 5),
};

/** Open models, whose price depends on who hosts them. */
const BY_PROVIDER: Record<string, Record<string, ModelPrice>> = {
  groq: {
    "llama-3.3-70b": p(0.59, 0.79),
    "llama-3.1-8b-instant": p(0.05, 0.08),
  },
  together: {
    "meta-llama/llama-3.3-70b-instruct-turbo": p(0.88, 0.88),
  },
};

/** Local servers: running them costs nothing per token. */
const FREE_PROVIDERS = new Set(["ollama"]);

function longestPrefix(table: Record<string, ModelPrice> | undefined, name: string): ModelPrice | undefined {
  let best: { key: string; price: ModelPrice } | undefined;
  for (const [key, price] of Object.entries(table ?? {})) {
    if (name.startsWith(key) && (!best || key.length > best.key.length)) best = { key, price };
  }
  return best?.price;
}

export function findPrice(provider: string, model: string): ModelPrice | undefined {
  if (FREE_PROVIDERS.has(provider)) return p(0, 0);
  const name = model.toLowerCase();
  const bare = name.slice(name.lastIndexOf("/") + 1);
  const own = BY_PROVIDER[provider];
  return longestPrefix(own, name) ?? longestPrefix(own, bare) ?? longestPrefix(SHARED, bare);
}

export function priceUsage(provider: string, model: string, usage: Usage): { costUsd: number; priced: boolean } {
  const price = findPrice(provider, model);
  if (!price) return { costUsd: 0, priced: false };
  const costUsd = (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000;
  return { costUsd, priced: true };
}

/** The vendor model names priced here: a list of models that exist, for "did you mean" across providers without credentials. */
export function knownModelNames(): string[] {
  return Object.keys(SHARED);
}
