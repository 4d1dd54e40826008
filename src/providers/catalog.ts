/** The built-in providers as data. Every base URL can be overridden with `[providers.<id>].base_url`. */
export type WireKind = "openai" | "anthropic";

export interface CatalogEntry {
  id: string;
  name: string;
  kind: WireKind;
  /** For kind openai this includes the version prefix; for anthropic it is the host root. */
  baseURL: string;
  /** Environment variables holding the key; the first one set wins. */
  envKeys: readonly string[];
  /** Environment variable overriding the base URL, as the vendor's own SDK honours it. */
  baseURLEnv?: string;
  defaultModel: string;
  /** A cheaper model for small jobs (summaries, classification); absent → use the executor. */
  smallModel?: string;
  /** Lower-case id prefixes of this vendor's own models, to place a bare `-m name` when a listing is unavailable. */
  families?: readonly string[];
  defaultHeaders?: Record<string, string>;
  /** A local server that needs no key (the SDK still gets a placeholder). */
  keyless?: boolean;
}

export const CATALOG: readonly CatalogEntry[] = [
  {
    id: "anthropic",
    name: "Anthropic",
    kind: "anthropic",
    baseURL: "https://api.anthropic.com",
    envKeys: ["ANTHROPIC_API_KEY"],
    baseURLEnv: "ANTHROPIC_BASE_URL",
    defaultModel: "claude-sonnet-4-6",
    smallModel: "claude-haiku-4-5",
    families: ["claude"],
  },
  {
    id: "openai",
    name: "OpenAI",
    kind: "openai",
    baseURL: "https://api.openai.com/v1",
    envKeys: ["OPENAI_API_KEY"],
    baseURLEnv: "OPENAI_BASE_URL",
    defaultModel: "gpt-4.1",
    smallModel: "gpt-4o-mini",
    families: ["gpt-", "o1", "o3", "o4", "chatgpt-"],
  },
  {
    id: "google",
    name: "Google Gemini",
    kind: "openai",
    baseURL: "https://generativelanguage.googleapis.com/v1beta/openai",
    envKeys: ["GEMINI_API_KEY", "GOOGLE_API_KEY"],
    defaultModel: "gemini-2.5-pro",
    smallModel: "gemini-2.5-flash",
    families: ["gemini"],
  },
  {
    id: "openrouter",
    name: "OpenRouter",
    kind: "openai",
    baseURL: "https://openrouter.ai/api/v1",
    envKeys: ["OPENROUTER_API_KEY"],
    defaultModel: "openrouter/auto",
    smallModel: "openai/gpt-4o-mini",
    defaultHeaders: { "HTTP-Referer": "https://github.com/openkoi-ai/openkoi", "X-Title": "openkoi" },
  },
  {
    id: "groq",
    name: "Groq",
    kind: "openai",
    baseURL: "https://api.groq.com/openai/v1",
    envKeys: ["GROQ_API_KEY"],
    defaultModel: "llama-3.3-70b-versatile",
    smallModel: "llama-3.1-8b-instant",
  },
  {
    id: "together",
    name: "Together AI",
    kind: "openai",
    baseURL: "https://api.together.xyz/v1",
    envKeys: ["TOGETHER_API_KEY"],
    defaultModel: "meta-llama/Llama-3.3-70B-Instruct-Turbo",
  },
  {
    id: "deepseek",
    name: "DeepSeek",
    kind: "openai",
    baseURL: "https://api.deepseek.com/v1",
    envKeys: ["DEEPSEEK_API_KEY"],
    defaultModel: "deepseek-chat",
    smallModel: "deepseek-chat",
    families: ["deepseek"],
  },
  {
    id: "xai",
    name: "xAI",
    kind: "openai",
    baseURL: "https://api.x.ai/v1",
    envKeys: ["XAI_API_KEY"],
    defaultModel: "grok-3",
    smallModel: "grok-3-mini",
    families: ["grok"],
  },
  {
    id: "moonshot",
    name: "Moonshot (Kimi)",
    kind: "openai",
    baseURL: "https://api.moonshot.ai/v1",
    envKeys: ["MOONSHOT_API_KEY", "KIMI_API_KEY"],
    defaultModel: "kimi-k2.5",
    smallModel: "moonshot-v1-8k",
    families: ["kimi", "moonshot"],
  },
  {
    id: "qwen",
    name: "Qwen (DashScope)",
    kind: "openai",
    baseURL: "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
    envKeys: ["QWEN_API_KEY", "DASHSCOPE_API_KEY"],
    defaultModel: "qwen2.5-coder-32b-instruct",
    smallModel: "qwen-turbo",
    families: ["qwen"],
  },
  {
    id: "ollama",
    name: "Ollama",
    kind: "openai",
    baseURL: "http://localhost:11434/v1",
    envKeys: [],
    defaultModel: "llama3.3",
    keyless: true,
  },
];

/** Which provider runs when no model is named: the first available in this order; custom ones sit before ollama. */
export const PROVIDER_PRIORITY: readonly string[] = ["anthropic", "openai", "google", "openrouter", "groq", "together", "deepseek", "xai", "moonshot", "qwen"];

const CUSTOM_RANK = PROVIDER_PRIORITY.length;

export function providerRank(id: string): number {
  if (id === "ollama") return CUSTOM_RANK + 1;
  const index = PROVIDER_PRIORITY.indexOf(id);
  return index === -1 ? CUSTOM_RANK : index;
}

export function catalogEntry(id: string): CatalogEntry | undefined {
  return CATALOG.find((entry) => entry.id === id);
}

/** Every key variable, for "set one of …" messages. */
export function allKeyVariables(): string[] {
  return CATALOG.flatMap((entry) => entry.envKeys);
}

const OLLAMA_PREFERENCE = ["qwen2.5-coder", "codestral", "deepseek-coder-v2", "llama3.3", "llama3.1", "mistral", "gemma2"];

/** The "best" installed Ollama model for coding work; llama3.3 when nothing is installed. */
export function bestOllamaModel(installed: readonly string[]): string {
  for (const preferred of OLLAMA_PREFERENCE) {
    const found = installed.find((name) => name.toLowerCase().includes(preferred));
    if (found) return found;
  }
  return installed[0] ?? "llama3.3";
}
