/** Anthropic's Messages API through @anthropic-ai/sdk (also any Anthropic-compatible endpoint). */
import type Anthropic from "@anthropic-ai/sdk";
import type { ContentBlockParam, Message, MessageCreateParamsNonStreaming, MessageParam, ToolResultBlockParam } from "@anthropic-ai/sdk/resources/messages";
import { CancelledError } from "../core/errors.js";
import { lazy } from "../core/lazy.js";
import type { ChatMessage, ChatOptions, ChatRequest, ChatResponse, ModelInfo, ModelProvider } from "../core/model.js";
import { type ClassifyContext, classifyError, type SdkErrorClasses } from "./classify.js";
import { mapStopReason, type ParsedToolCall, pairToolResults } from "./messages.js";

export interface AnthropicProviderOptions {
  apiKey: string;
  /** The host root; the SDK appends `/v1/messages`. */
  baseURL: string;
  /** Defaults to "anthropic"; custom Anthropic-compatible providers pass their own id. */
  id?: string;
  name?: string;
  timeoutMs?: number;
  keyHint?: string;
}

const DEFAULT_TIMEOUT_MS = 600_000;
const DEFAULT_MAX_TOKENS = 8192;
const MAX_LISTED_MODELS = 5000;

async function load(options: AnthropicProviderOptions): Promise<{ client: Anthropic; classes: SdkErrorClasses }> {
  const sdk = await import("@anthropic-ai/sdk");
  const client = new sdk.default({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    maxRetries: 0,
    // An explicit timeout also lifts the SDK's "streaming is required" guard for large max_tokens.
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  });
  return { client, classes: sdk };
}

type Role = "user" | "assistant";

function blocksFor(message: ChatMessage): { role: Role; blocks: ContentBlockParam[] } {
  if (message.role === "tool") {
    const block: ToolResultBlockParam = { type: "tool_result", tool_use_id: message.toolCallId, content: message.content };
    return { role: "user", blocks: [message.isError ? { ...block, is_error: true } : block] };
  }
  const blocks: ContentBlockParam[] = message.content ? [{ type: "text", text: message.content }] : [];
  if (message.role === "assistant") {
    for (const call of message.toolCalls ?? []) {
      blocks.push({ type: "tool_use", id: call.id, name: call.name, input: call.input ?? {} });
    }
  }
  return { role: message.role, blocks };
}

/** Tool results ride in a user message; consecutive same-role turns merge so roles alternate. */
export function toAnthropicMessages(messages: readonly ChatMessage[]): MessageParam[] {
  const out: Array<{ role: Role; content: ContentBlockParam[] }> = [];
  for (const message of pairToolResults(messages)) {
    const { role, blocks } = blocksFor(message);
    if (blocks.length === 0) continue;
    const last = out.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  }
  return out;
}

export function toAnthropicParams(request: ChatRequest): MessageCreateParamsNonStreaming {
  const tools = request.tools?.map((tool) => ({
    name: tool.name,
    description: tool.description,
    input_schema: { type: "object" as const, ...tool.parameters },
  }));
  return {
    model: request.model,
    max_tokens: request.maxTokens ?? DEFAULT_MAX_TOKENS,
    messages: toAnthropicMessages(request.messages),
    // The system prompt is the stable prefix of every turn: mark it for prompt caching.
    ...(request.system ? { system: [{ type: "text", text: request.system, cache_control: { type: "ephemeral" } }] } : {}),
    ...(tools?.length ? { tools } : {}),
    ...(request.toolChoice ? { tool_choice: { type: "tool", name: request.toolChoice } } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
  };
}

export function fromMessage(message: Message, model: string): ChatResponse {
  let text = "";
  const toolCalls: ParsedToolCall[] = [];
  for (const block of message.content) {
    if (block.type === "text") text += block.text;
    else if (block.type === "tool_use") toolCalls.push({ id: block.id, name: block.name, input: block.input ?? {} });
  }
  const usage = message.usage;
  // Cached prompt tokens are reported apart; count them so budgets see the real prompt size.
  const inputTokens = (usage?.input_tokens ?? 0) + (usage?.cache_read_input_tokens ?? 0) + (usage?.cache_creation_input_tokens ?? 0);
  return {
    text,
    toolCalls,
    usage: { inputTokens, outputTokens: usage?.output_tokens ?? 0 },
    stopReason: mapStopReason(message.stop_reason, toolCalls.length > 0),
    model: message.model || model,
  };
}

async function streamChat(client: Anthropic, params: MessageCreateParamsNonStreaming, options: ChatOptions): Promise<ChatResponse> {
  const stream = client.messages.stream(params, { signal: options.signal });
  const onText = options.onText;
  if (onText) stream.on("text", (delta) => onText(delta));
  const message = await stream.finalMessage();
  if (options.signal?.aborted) throw new CancelledError();
  return fromMessage(message, params.model);
}

export function createAnthropicProvider(options: AnthropicProviderOptions): ModelProvider {
  const id = options.id ?? "anthropic";
  const sdk = lazy(() => load(options));
  const context = (classes: SdkErrorClasses, signal?: AbortSignal): ClassifyContext => ({
    provider: id,
    name: options.name ?? (id === "anthropic" ? "Anthropic" : id),
    baseURL: options.baseURL,
    keyHint: options.keyHint ?? `providers.${id}.api_key`,
    classes,
    signal,
  });
  return {
    id,
    async listModels(signal) {
      const { client, classes } = await sdk();
      try {
        const models: ModelInfo[] = [];
        for await (const model of client.models.list({ limit: 1000 }, { signal })) {
          models.push({ id: model.id });
          if (models.length >= MAX_LISTED_MODELS) break;
        }
        return models;
      } catch (error) {
        throw classifyError(error, context(classes, signal));
      }
    },
    async chat(request, chatOptions = {}) {
      const { client, classes } = await sdk();
      const params = toAnthropicParams(request);
      try {
        if (chatOptions.onText) return await streamChat(client, params, chatOptions);
        const message = await client.messages.create(params, { signal: chatOptions.signal });
        return fromMessage(message, request.model);
      } catch (error) {
        throw classifyError(error, context(classes, chatOptions.signal));
      }
    },
  };
}
