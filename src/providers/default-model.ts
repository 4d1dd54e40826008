/** Which listed model to use when none is named: the catalogue's choice, then the original openkoi's priority list, then the provider's own list. */

/** The Rust original's `pick_default_model` order (copilot, chatgpt, anthropic, openai, google, moonshot, openrouter, groq, deepseek, xai, qwen, together, custom), as model ids. */
export const DEFAULT_PRIORITY: readonly string[] = [
  "gpt-4o",
  "gpt-5.1-codex",
  "claude-sonnet-4-20250514",
  "gpt-4.1",
  "gemini-2.5-pro",
  "kimi-k2.5",
  "auto",
  "llama-3.3-70b-versatile",
  "deepseek-chat",
  "grok-3",
  "qwen2.5-coder-32b",
  "meta-llama/Llama-3.3-70B-Instruct-Turbo",
];

export const SNAPSHOT_SUFFIX = /^-(\d{8}|\d{4}-\d{2}-\d{2}|latest)$/;

/** Listed ids that no agent loop can use (embeddings, speech, images, moderation, legacy completions). */
const NOT_CHAT = /embed|whisper|tts|dall-e|moderation|transcribe|image|audio|realtime|babbage|davinci/i;

/** The listed id that is `wanted`: the same id, the same ignoring case, or its newest dated snapshot (never another model that merely shares a prefix). */
export function listedAs(wanted: string, models: readonly string[]): string | undefined {
  if (models.includes(wanted)) return wanted;
  const lower = wanted.toLowerCase();
  const caseless = models.find((model) => model.toLowerCase() === lower);
  if (caseless) return caseless;
  return models
    .filter((model) => model.toLowerCase().startsWith(lower) && SNAPSHOT_SUFFIX.test(model.slice(wanted.length)))
    .sort()
    .at(-1);
}

/** The best of what the endpoint lists: `preferred` (the catalogue's default) first, then DEFAULT_PRIORITY, then the first chat model listed. */
export function pickDefault(models: readonly string[], preferred: string | undefined): string | undefined {
  for (const wanted of preferred ? [preferred, ...DEFAULT_PRIORITY] : DEFAULT_PRIORITY) {
    const listed = listedAs(wanted, models);
    if (listed) return listed;
  }
  return models.find((model) => !NOT_CHAT.test(model)) ?? models[0];
}
