/** Shared by every integration: tool definition, compact output, and SDK failures turned into results the model can act on. */
import type { z } from "zod";
import { parseConfigTable } from "../core/config-table.js";
import { OpenKoiError } from "../core/errors.js";
import type { Tool, ToolClass, ToolContext, ToolResult } from "../core/tool.js";

export interface Integration {
  name: string;
  tools: Tool[];
  /** One cheap authenticated call for `openkoi doctor`: a one-line status, or an actionable error. */
  check(): Promise<string>;
}

export interface ToolSpec<I> {
  name: string;
  description: string;
  schema: z.ZodType<I>;
  class: ToolClass;
  /** A string return is shorthand for `{ output }`. */
  run(input: I, context: ToolContext): Promise<ToolResult | string>;
  /** Turns a thrown error into a result the model reads; without it the error propagates. */
  onError?: (error: unknown) => ToolResult;
}

/** A Tool whose `run` validates its input (a readable error result naming the field) and maps failures via `onError`. */
export function defineTool<I>(spec: ToolSpec<I>): Tool<I> {
  const { onError, run, ...rest } = spec;
  return {
    ...rest,
    async run(input, context) {
      const parsed = spec.schema.safeParse(input);
      if (!parsed.success) return { output: formatInputError(spec.name, parsed.error), isError: true };
      try {
        const result = await run(parsed.data, context);
        return typeof result === "string" ? { output: result } : result;
      } catch (error) {
        if (!onError || context.signal.aborted) throw error;
        return onError(error);
      }
    },
  };
}

export function formatInputError(toolName: string, error: z.ZodError): string {
  const issues = error.issues.map((issue) => `${issue.path.map(String).join(".") || "input"}: ${issue.message}`);
  return `Invalid input for ${toolName}: ${issues.join("; ")}`;
}

export function truncate(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return `${text.slice(0, maxChars)}… [truncated ${text.length - maxChars} more chars]`;
}

/** Compact output for the model: strings as they are, values as JSON without null/empty fields; both capped. */
export function compact(value: unknown, maxChars = 4000): string {
  const text = typeof value === "string" ? value : (JSON.stringify(value, dropEmpty) ?? String(value));
  return truncate(text, maxChars);
}

function dropEmpty(_key: string, value: unknown): unknown {
  if (value === null || value === "" || (Array.isArray(value) && value.length === 0)) return undefined;
  return value;
}

export { lazy } from "../core/lazy.js";

/** Parses an `[integrations.<name>]` slice; problems are reported by their config path. */
export function parseIntegrationConfig<T>(name: string, schema: z.ZodType<T>, raw: unknown): T {
  return parseConfigTable(`integrations.${name}`, schema, raw);
}

// ---- failures ----

export type FailureKind = "auth" | "forbidden" | "not_found" | "invalid" | "rate_limited" | "unavailable" | "unreachable" | "other";

/** An upstream failure in plain data; integrations with unusual SDK errors build one themselves. */
export interface UpstreamFailure {
  kind: FailureKind;
  status?: number;
  /** The platform's own words, e.g. "Not Found" or "Bad credentials". */
  detail?: string;
  /** e.g. "GET /repos/acme/widgets/issues/9". */
  request?: string;
  retryAfterSeconds?: number;
}

/** What the model (or the operator) should do, per kind; `default` covers the rest. */
export type ErrorHints = Partial<Record<FailureKind | "default", string>>;

const DEFAULT_HINTS: ErrorHints = {
  auth: "check the integration's credentials in the config",
  forbidden: "the configured credentials lack permission for this",
  unavailable: "the service is having trouble; try again later",
  unreachable: "check the network and the configured URL",
};

const FAILURE_KINDS = new Set<string>(["auth", "forbidden", "not_found", "invalid", "rate_limited", "unavailable", "unreachable", "other"]);

function isFailure(value: unknown): value is UpstreamFailure {
  return !(value instanceof Error) && typeof field(value, "kind") === "string" && FAILURE_KINDS.has(String(field(value, "kind")));
}

/** Reads a nested property of an unknown value without trusting its shape. */
export function field(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || (typeof current !== "object" && typeof current !== "function")) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** A header from a fetch `Headers`, an axios `AxiosHeaders` or a plain lower-cased object. */
export function readHeader(headers: unknown, name: string): string | undefined {
  const get = field(headers, "get");
  const value = typeof get === "function" ? get.call(headers, name) : field(headers, name.toLowerCase());
  return typeof value === "string" || typeof value === "number" ? String(value) : undefined;
}

/** Seconds to wait, from `retry-after` (seconds or HTTP date) or an exhausted `x-ratelimit-reset` (epoch). */
export function retryAfterSeconds(headers: unknown, now = Date.now()): number | undefined {
  const retryAfter = readHeader(headers, "retry-after");
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
    const at = Date.parse(retryAfter);
    if (Number.isFinite(at)) return Math.max(0, Math.ceil((at - now) / 1000));
  }
  const reset = Number(readHeader(headers, "x-ratelimit-reset"));
  if (readHeader(headers, "x-ratelimit-remaining") !== "0" || !Number.isFinite(reset) || reset <= 0) return undefined;
  const resetMs = reset > 1e12 ? reset : reset * 1000;
  return Math.max(0, Math.ceil((resetMs - now) / 1000));
}

export function kindFromStatus(status: number, rateLimited = false): FailureKind {
  if (status === 429 || rateLimited) return "rate_limited";
  if (status === 401) return "auth";
  if (status === 403) return "forbidden";
  if (status === 404 || status === 410) return "not_found";
  if (status === 400 || status === 409 || status === 412 || status === 422) return "invalid";
  return status >= 500 ? "unavailable" : "other";
}

/** Builds a failure from an HTTP status and headers; a 403 with an exhausted quota or a retry-after is a rate limit. */
export function httpFailure(init: { status: number; headers?: unknown; detail?: string; request?: string }): UpstreamFailure {
  const wait = retryAfterSeconds(init.headers);
  const limited = init.status === 403 && wait !== undefined;
  const failure: UpstreamFailure = { kind: kindFromStatus(init.status, limited), status: init.status };
  if (init.detail) failure.detail = init.detail;
  if (init.request) failure.request = init.request;
  if (wait !== undefined) failure.retryAfterSeconds = wait;
  return failure;
}

/** Best effort for any thrown value: common HTTP-SDK error shapes, network errors, or just the message. */
export function describeFailure(error: unknown): UpstreamFailure {
  if (isFailure(error)) return error;
  const status = field(error, "status") ?? field(error, "response", "status") ?? field(error, "statusCode");
  const message = error instanceof Error ? error.message : String(error);
  if (typeof status === "number" && status >= 400) {
    const data = field(error, "response", "data");
    const detail = field(data, "message");
    return httpFailure({
      status,
      headers: field(error, "response", "headers") ?? field(error, "headers"),
      detail: typeof detail === "string" ? detail : message,
    });
  }
  const networkCode = field(error, "code") ?? field(error, "cause", "code");
  if (typeof networkCode === "string" && /^(E[A-Z_]+|UND_ERR\w*)$/.test(networkCode)) {
    const causeMessage = field(error, "cause", "message");
    return { kind: "unreachable", detail: typeof causeMessage === "string" && message === "fetch failed" ? causeMessage : message };
  }
  return { kind: "other", detail: message };
}

function pickHint(kind: FailureKind, hints: string | ErrorHints | undefined): string | undefined {
  if (typeof hints === "string") return hints;
  return hints?.[kind] ?? hints?.default ?? DEFAULT_HINTS[kind];
}

/** The one line the model (or `openkoi doctor`) reads. */
export function failureMessage(service: string, error: unknown, hints?: string | ErrorHints): string {
  const failure = describeFailure(error);
  if (failure.kind === "rate_limited") {
    const wait = failure.retryAfterSeconds;
    return `${service} rate-limited the request; ${wait === undefined ? "wait a minute before retrying" : `retry after ${wait} s`}`;
  }
  const hint = pickHint(failure.kind, hints);
  const where = failure.request ? ` for ${failure.request}` : "";
  const detail = failure.detail?.trim().replace(/\.$/, "");
  const tail = hint ? `: ${hint}` : "";
  if (failure.kind === "unreachable") return `${service} could not be reached${where} (${detail ?? "network error"})${tail}`;
  const said = [failure.status, detail].filter((part) => part !== undefined && part !== "").join(" ");
  return said ? `${service} said ${said}${where}${tail}` : `${service} request failed${where}${tail}`;
}

/** An SDK error as a tool result with `isError`; tools never retry (one retry owner), they report the wait. */
export function integrationError(service: string, error: unknown, hints?: string | ErrorHints): ToolResult {
  return { output: failureMessage(service, error, hints), isError: true };
}

/** The error `check()` throws for `openkoi doctor`. */
export function integrationCheckError(service: string, error: unknown, hints?: string | ErrorHints): OpenKoiError {
  return new OpenKoiError("INTEGRATION_CHECK_FAILED", failureMessage(service, error, hints), { cause: error });
}
