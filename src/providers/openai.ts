/** OpenAI and every OpenAI-compatible service (Groq, DeepSeek, OpenRouter, Ollama, Gemini's /openai route, …). */
import type OpenAI from "openai";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from "openai/resources/chat/completions";
import { CancelledError } from "../core/errors.js";
import { lazy } from "../core/lazy.js";
import type { ChatOptions, ChatRequest, ChatResponse, ModelInfo, ModelProvider } from "../core/model.js";
import { type ClassifyContext, classifyError, type SdkErrorClasses } from "./classify.js";
import { mapStopReason, type ParsedToolCall, pairToolResults, parseToolCall, toolResultText } from "./messages.js";

export interface OpenAIProviderOptions {
  id: string;
  apiKey: string;
  /** Includes the version prefix, e.g. `https://api.openai.com/v1`. */
  baseURL: string;
  defaultHeaders?: Record<string, string>;
  /** Per-request timeout; cancellation is the AbortSignal's job. Default 10 minutes. */
  timeoutMs?: number;
  /** Display name for messages ("Groq"); defaults to the id. */
  name?: string;
  /** Where the key is configured, for 401/403 messages. */
  keyHint?: string;
}

const DEFAULT_TIMEOUT_MS = 600_000;
const MAX_LISTED_MODELS = 5000;

async function load(options: OpenAIProviderOptions): Promise<{ client: OpenAI; classes: SdkErrorClasses }> {
  const sdk = await import("openai");
  const client = new sdk.default({
    apiKey: options.apiKey || "none",
    baseURL: options.baseURL,
    maxRetries: 0,
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    ...(options.defaultHeaders ? { defaultHeaders: options.defaultHeaders } : {}),
  });
  return { client, classes: sdk };
}

export function toOpenAIMessages(request: ChatRequest): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = request.system ? [{ role: "system", content: request.system }] : [];
  for (const message of pairToolResults(request.messages)) {
    if (message.role === "user") out.push({ role: "user", content: message.content });
    else if (message.role === "tool") {
      out.push({ role: "tool", tool_call_id: message.toolCallId, content: toolResultText(message) });
    } else if (message.toolCalls?.length) {
      const toolCalls = message.toolCalls.map((call) => ({
        id: call.id,
        type: "function" as const,
        function: { name: call.name, arguments: JSON.stringify(call.input ?? {}) },
      }));
      out.push({ role: "assistant", content: message.content || null, tool_calls: toolCalls });
    } else out.push({ role: "assistant", content: message.content });
  }
  return out;
}

export function toOpenAIParams(request: ChatRequest, providerId: string): ChatCompletionCreateParamsNonStreaming {
  const tools: ChatCompletionTool[] | undefined = request.tools?.map((tool) => ({
    type: "function",
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  }));
  // OpenAI's reasoning models reject max_tokens; compatible vendors mostly only know max_tokens.
  const limitKey = providerId === "openai" ? "max_completion_tokens" : "max_tokens";
  return {
    model: request.model,
    messages: toOpenAIMessages(request),
    ...(tools?.length ? { tools } : {}),
    ...(request.toolChoice ? { tool_choice: { type: "function", function: { name: request.toolChoice } } } : {}),
    ...(request.maxTokens !== undefined ? { [limitKey]: request.maxTokens } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
  };
}

function fromCompletion(completion: ChatCompletion, model: string): ChatResponse {
  const choice = completion.choices[0];
  const toolCalls: ParsedToolCall[] = [];
  for (const [index, call] of (choice?.message.tool_calls ?? []).entries()) {
    if (call.type !== "function") continue;
    toolCalls.push(parseToolCall(call.id || `call_${index}`, call.function.name, call.function.arguments ?? ""));
  }
  return {
    text: choice?.message.content ?? "",
    toolCalls,
    usage: { inputTokens: completion.usage?.prompt_tokens ?? 0, outputTokens: completion.usage?.completion_tokens ?? 0 },
    stopReason: mapStopReason(choice?.finish_reason, toolCalls.length > 0),
    model: completion.model || model,
  };
}

interface StreamState {
  text: string;
  calls: Map<number, { id: string; name: string; args: string }>;
  finish: string | null;
  inputTokens: number;
  outputTokens: number;
  model: string;
}

function absorbChunk(state: StreamState, chunk: ChatCompletionChunk, onText: (delta: string) => void): void {
  if (chunk.model) state.model = chunk.model;
  if (chunk.usage) {
    state.inputTokens = chunk.usage.prompt_tokens ?? 0;
    state.outputTokens = chunk.usage.completion_tokens ?? 0;
  }
  for (const choice of chunk.choices ?? []) {
    const delta = choice.delta;
    if (delta?.content) {
      state.text += delta.content;
      onText(delta.content);
    }
    for (const part of delta?.tool_calls ?? []) {
      const call = state.calls.get(part.index) ?? { id: "", name: "", args: "" };
      if (part.id) call.id = part.id;
      if (part.function?.name) call.name += part.function.name;
      if (part.function?.arguments) call.args += part.function.arguments;
      state.calls.set(part.index, call);
    }
    if (choice.finish_reason) state.finish = choice.finish_reason;
  }
}

async function streamChat(client: OpenAI, params: ChatCompletionCreateParamsNonStreaming, options: ChatOptions): Promise<ChatResponse> {
  const onText = options.onText ?? (() => {});
  const stream = await client.chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } }, { signal: options.signal });
  const state: StreamState = { text: "", calls: new Map(), finish: null, inputTokens: 0, outputTokens: 0, model: params.model };
  for await (const chunk of stream) absorbChunk(state, chunk, onText);
  // The SDK ends the iteration quietly on abort; a partial answer must not pass as complete.
  if (options.signal?.aborted) throw new CancelledError();
  const toolCalls = [...state.calls.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, call]) => parseToolCall(call.id || `call_${index}`, call.name, call.args));
  return {
    text: state.text,
    toolCalls,
    usage: { inputTokens: state.inputTokens, outputTokens: state.outputTokens },
    stopReason: mapStopReason(state.finish, toolCalls.length > 0),
    model: state.model,
  };
}

function readContextWindow(model: unknown): number | undefined {
  const record = model as Record<string, unknown>;
  for (const key of ["context_window", "max_input_tokens", "context_length"]) {
    const value = record[key];
    if (typeof value === "number" && value > 0) return value;
  }
  return undefined;
}

export function createOpenAIProvider(options: OpenAIProviderOptions): ModelProvider {
  const sdk = lazy(() => load(options));
  const context = (classes: SdkErrorClasses, signal?: AbortSignal): ClassifyContext => ({
    provider: options.id,
    name: options.name ?? options.id,
    baseURL: options.baseURL,
    keyHint: options.keyHint ?? `providers.${options.id}.api_key`,
    classes,
    signal,
  });
  return {
    id: options.id,
    async listModels(signal) {
      const { client, classes } = await sdk();
      try {
        const models: ModelInfo[] = [];
        for await (const model of client.models.list({ signal })) {
          const contextWindow = readContextWindow(model);
          models.push(contextWindow ? { id: model.id, contextWindow } : { id: model.id });
          if (models.length >= MAX_LISTED_MODELS) break;
        }
        return models;
      } catch (error) {
        throw classifyError(error, context(classes, signal));
      }
    },
    async chat(request, chatOptions = {}) {
      const { client, classes } = await sdk();
      const params = toOpenAIParams(request, options.id);
      try {
        if (chatOptions.onText) return await streamChat(client, params, chatOptions);
        const completion = await client.chat.completions.create(params, { signal: chatOptions.signal });
        return fromCompletion(completion, request.model);
      } catch (error) {
        throw classifyError(error, context(classes, chatOptions.signal));
      }
    },
  };
}
