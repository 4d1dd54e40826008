import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ChatMessage } from "../core/model.js";

export const MAX_TOOL_LINES = 2000;
export const MAX_TOOL_BYTES = 50 * 1024;

/** Caps a tool's output for the model; the full text is saved under `<data>/tool-output/` and its path given instead. */
export function truncateToolOutput(output: string, toolOutputDir: string): string {
  const bytes = Buffer.byteLength(output);
  const lines = output.split("\n");
  if (bytes <= MAX_TOOL_BYTES && lines.length <= MAX_TOOL_LINES) return output;
  let head = lines.slice(0, MAX_TOOL_LINES).join("\n");
  if (Buffer.byteLength(head) > MAX_TOOL_BYTES) {
    // Cut on a character boundary, not a byte offset.
    head = Buffer.from(head)
      .subarray(0, MAX_TOOL_BYTES)
      .toString("utf8")
      .replace(/\uFFFD$/, "");
  }
  let where = "disk (could not be saved)";
  try {
    mkdirSync(toolOutputDir, { recursive: true, mode: 0o700 });
    const file = join(toolOutputDir, `${createHash("sha256").update(output).digest("hex").slice(0, 16)}.txt`);
    writeFileSync(file, output, { mode: 0o600 });
    where = file;
  } catch {
    // Still give the model the head; only the pointer is lost.
  }
  return `${head}\n\n[Output truncated: ${bytes} bytes, ${lines.length} lines. Full output saved to ${where}; read it with read_file or search it.]`;
}

const CLEARED = "[Old tool result cleared to fit the context window]";

/**
 * Answers a context-overflow error: clears the oldest tool outputs first, then drops the oldest
 * exchanges. Returns undefined when nothing is left to prune.
 */
export function pruneMessages(messages: ChatMessage[]): ChatMessage[] | undefined {
  const toolIndexes = messages.flatMap((m, i) => (m.role === "tool" && m.content !== CLEARED ? [i] : []));
  if (toolIndexes.length > 0) {
    const half = Math.max(1, Math.ceil(toolIndexes.length / 2));
    const clear = new Set(toolIndexes.slice(0, half));
    return messages.map((m, i) => (clear.has(i) && m.role === "tool" ? { ...m, content: CLEARED } : m));
  }
  // Drop the oldest assistant/tool exchange after the first user message, keeping tool pairing valid.
  const firstAssistant = messages.findIndex((m) => m.role === "assistant");
  if (firstAssistant < 0 || messages.length <= 2) return undefined;
  let end = firstAssistant + 1;
  while (end < messages.length && messages[end]?.role === "tool") end++;
  const dropped = end - firstAssistant;
  const note = `[${dropped} earlier message(s) removed to fit the context window]`;
  const head = messages
    .slice(0, firstAssistant)
    .map((m, i) => (i === firstAssistant - 1 && m.role === "user" ? { ...m, content: `${m.content}\n\n${note}` } : m));
  return [...head, ...messages.slice(end)];
}
