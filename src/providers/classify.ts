/** Normalizes SDK failures (openai, @anthropic-ai/sdk) into ProviderError kinds; the retry owner acts on the kind. */
import { CancelledError, errorMessage, ProviderError, type ProviderErrorKind } from "../core/errors.js";

/** Lower-case fragments that mean "the prompt does not fit" across vendors (upstream core/overflow.rs). */
export const CONTEXT_OVERFLOW_PATTERNS: readonly string[] = [
  "prompt is too long",
  "tokens too long",
  "maximum context length",
  "context_length_exceeded",
  "exceeds the maximum number of tokens",
  "input is too long",
  "expected maxtokens",
  "please reduce the length",
  "too many tokens",
  "token limit",
  "context window",
  "max_tokens",
  "content_length_limit",
  "request too large",
];

export function isContextOverflowMessage(message: string): boolean {
  const lower = message.toLowerCase();
  return CONTEXT_OVERFLOW_PATTERNS.some((pattern) => lower.includes(pattern));
}

interface HeadersLike {
  get(name: string): string | null;
}

/** `retry-after-ms`, else `retry-after` as seconds or an HTTP date; undefined when absent or unparsable. */
export function retryAfterMs(headers: HeadersLike | undefined, now = Date.now()): number | undefined {
  const ms = Number(headers?.get("retry-after-ms") ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers?.get("retry-after");
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENOTFOUND",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/** A dropped connection: undici's `TypeError: terminated` (maybe wrapped), `fetch failed`, or a socket error code. */
export function isNetworkFailure(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof TypeError && /^(terminated|fetch failed)$/i.test(current.message)) return true;
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODES.has(code)) return true;
    if (current.message === "terminated") return true;
    current = current.cause;
  }
  return false;
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** The SDK's own error classes, so instanceof works against the lazily loaded module. */
export interface SdkErrorClasses {
  APIError: ErrorClass;
  APIConnectionError: ErrorClass;
  APIUserAbortError: ErrorClass;
}

export interface ClassifyContext {
  provider: string;
  /** Display name: "OpenAI", "Anthropic", "Groq". */
  name: string;
  baseURL: string;
  /** Where the key is configured, for auth failures: "OPENAI_API_KEY or providers.openai.api_key". */
  keyHint: string;
  classes: SdkErrorClasses;
  signal?: AbortSignal | undefined;
}

interface ApiFacts {
  status: number | undefined;
  headers: HeadersLike | undefined;
  message: string;
  code: string | undefined;
}

function stringField(value: unknown, key: string): string | undefined {
  if (!value || typeof value !== "object") return undefined;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === "string" ? field : undefined;
}

/** The API's own message: openai keeps `error` = body.error; anthropic keeps the whole body in `error`. */
function apiFacts(error: Error): ApiFacts {
  const record = error as unknown as Record<string, unknown>;
  const status = typeof record.status === "number" ? record.status : undefined;
  const headers = record.headers as HeadersLike | undefined;
  const body = record.error;
  const nested = body && typeof body === "object" ? (body as Record<string, unknown>).error : undefined;
  const message = stringField(nested, "message") ?? stringField(body, "message") ?? stripStatus(error.message);
  const code = stringField(record, "code") ?? stringField(nested, "type") ?? stringField(body, "type");
  return { status, headers: typeof headers?.get === "function" ? headers : undefined, message, code };
}

function stripStatus(message: string): string {
  return message.replace(/^\d{3}\s+/, "");
}

function kindFor(facts: ApiFacts): ProviderErrorKind {
  const { status, message, code } = facts;
  // OpenAI's "out of credit" is a 429 too, but no amount of waiting fixes billing.
  if (status === 429) return code === "insufficient_quota" ? "fatal" : "rate_limited";
  if (status === 401 || status === 403) return "auth";
  const overflow = code === "context_length_exceeded" || code === "request_too_large" || isContextOverflowMessage(message);
  if (status === 413 || (overflow && (status === undefined || status === 400 || status === 422))) return "context_overflow";
  if (status === undefined) return /rate.?limit/i.test(`${code} ${message}`) ? "rate_limited" : "retryable";
  if (status === 408 || status === 409 || status >= 500) return "retryable";
  return "fatal";
}

const HINTS: Record<ProviderErrorKind, (ctx: ClassifyContext) => string> = {
  rate_limited: () => "rate limited; retry later or lower the request rate",
  auth: (ctx) => `check ${ctx.keyHint}`,
  context_overflow: () => "the conversation is too long for the model's context window",
  retryable: () => "a transient failure; retry later",
  fatal: () => "check the model name and request (openkoi doctor lists providers and models)",
};

/** Maps any failure of an SDK call into ProviderError (or CancelledError when the caller aborted). */
export function classifyError(error: unknown, ctx: ClassifyContext): Error {
  if (error instanceof ProviderError || error instanceof CancelledError) return error;
  if (ctx.signal?.aborted || error instanceof ctx.classes.APIUserAbortError) return new CancelledError();
  if (error instanceof ctx.classes.APIConnectionError || isNetworkFailure(error)) {
    const detail = errorMessage(error);
    const message = `${ctx.name} connection to ${ctx.baseURL} failed (${detail}): check the network or providers.${ctx.provider}.base_url`;
    return new ProviderError({ kind: "retryable", provider: ctx.provider, message }, { cause: error });
  }
  if (!(error instanceof ctx.classes.APIError)) {
    const message = `${ctx.name} call failed: ${errorMessage(error)}`;
    return new ProviderError({ kind: "fatal", provider: ctx.provider, message }, { cause: error });
  }
  const facts = apiFacts(error);
  const kind = kindFor(facts);
  const said = facts.status === undefined ? `${ctx.name} stream failed` : `${ctx.name} said ${facts.status}`;
  const init = {
    kind,
    provider: ctx.provider,
    message: `${said} ${facts.message}: ${HINTS[kind](ctx)}`,
    ...(facts.status !== undefined ? { status: facts.status } : {}),
  };
  const wait = kind === "rate_limited" || kind === "retryable" ? retryAfterMs(facts.headers) : undefined;
  return new ProviderError(wait === undefined ? init : { ...init, retryAfterMs: wait }, { cause: error });
}
