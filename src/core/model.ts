/** The provider-neutral chat vocabulary every ModelProvider speaks. */
export interface ToolCall {
  id: string;
  name: string;
  input: unknown;
}

export type ChatMessage =
  | { role: "user"; content: string }
  | { role: "assistant"; content: string; toolCalls?: ToolCall[] }
  | { role: "tool"; toolCallId: string; name: string; content: string; isError?: boolean };

/** A tool as the model sees it: JSON Schema parameters. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface ChatRequest {
  model: string;
  system?: string;
  messages: ChatMessage[];
  tools?: ToolSpec[];
  /** Force the model to call this tool (structured output, e.g. the judge's submit_evaluation). */
  toolChoice?: string;
  maxTokens?: number;
  temperature?: number;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

export type StopReason = "end" | "tool_use" | "max_tokens" | "other";

export interface ChatResponse {
  text: string;
  toolCalls: ToolCall[];
  usage: Usage;
  stopReason: StopReason;
  model: string;
}

export interface ChatOptions {
  signal?: AbortSignal;
  /** When given, the provider streams and reports text deltas as they arrive. */
  onText?: (delta: string) => void;
}

export interface ModelInfo {
  id: string;
  contextWindow?: number;
}

export interface ModelProvider {
  readonly id: string;
  listModels(signal?: AbortSignal): Promise<ModelInfo[]>;
  chat(request: ChatRequest, options?: ChatOptions): Promise<ChatResponse>;
}

/** `provider/model`, split on the first slash. */
export interface ModelRef {
  provider: string;
  model: string;
}

export function parseModelRef(text: string): ModelRef | undefined {
  const slash = text.indexOf("/");
  if (slash <= 0 || slash === text.length - 1) return undefined;
  return { provider: text.slice(0, slash), model: text.slice(slash + 1) };
}

export function formatModelRef(ref: ModelRef): string {
  return `${ref.provider}/${ref.model}`;
}
