/** History shaping shared by the wire adapters: both APIs reject unpaired tool calls and results. */
import type { ChatMessage, StopReason, ToolCall } from "../core/model.js";

/** A tool call whose arguments were not valid JSON keeps them in `rawInput` (input is then `{}`). */
export type ParsedToolCall = ToolCall & { rawInput?: string };

export const MISSING_RESULT = "(no result: the tool call was not run)";

/**
 * Makes a history both APIs accept: every assistant tool call is answered right after it
 * (a synthetic error result fills gaps), and a tool result without its call becomes user text.
 */
export function pairToolResults(messages: readonly ChatMessage[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  let pending = new Map<string, string>();
  const flush = () => {
    for (const [toolCallId, name] of pending) {
      out.push({ role: "tool", toolCallId, name, content: MISSING_RESULT, isError: true });
    }
    pending = new Map();
  };
  for (const message of messages) {
    if (message.role === "tool") {
      if (pending.delete(message.toolCallId)) out.push(message);
      else out.push({ role: "user", content: `Result of tool ${message.name}:\n${message.content}` });
      continue;
    }
    flush();
    out.push(message);
    if (message.role === "assistant") {
      for (const call of message.toolCalls ?? []) pending.set(call.id, call.name);
    }
  }
  flush();
  return out;
}

/** Parses a tool call's JSON arguments; anything but a JSON object yields `{}` and keeps the raw text. */
export function parseToolCall(id: string, name: string, args: string): ParsedToolCall {
  if (args.trim() === "") return { id, name, input: {} };
  try {
    const input: unknown = JSON.parse(args);
    if (input && typeof input === "object" && !Array.isArray(input)) return { id, name, input };
  } catch {
    // fall through: the model produced invalid JSON; the caller sees rawInput
  }
  return { id, name, input: {}, rawInput: args };
}

/** Tool results as text; OpenAI has no error flag, so failures are marked in the content. */
export function toolResultText(message: Extract<ChatMessage, { role: "tool" }>): string {
  if (!message.isError || /^error\b/i.test(message.content)) return message.content;
  return `Error: ${message.content}`;
}

export function mapStopReason(reason: string | null | undefined, hasToolCalls: boolean): StopReason {
  if (hasToolCalls) return "tool_use";
  switch (reason) {
    case "stop":
    case "end_turn":
    case "stop_sequence":
      return "end";
    case "tool_calls":
    case "function_call":
    case "tool_use":
      return "tool_use";
    case "length":
    case "max_tokens":
    case "model_context_window_exceeded":
      return "max_tokens";
    default:
      return "other";
  }
}
