import type { LinearClient } from "@linear/sdk";
import type { ToolResult } from "../../core/tool.js";
import { describeFailure, type ErrorHints, type FailureKind, field, integrationError, lazy, readHeader, type UpstreamFailure } from "../common.js";
import type { LinearIntegrationConfig } from "./config.js";

export const SERVICE = "Linear";
const AUTH_HINT = "check integrations.linear.api_key";
const UNREACHABLE_HINT = "check integrations.linear.api_url and the network";

export type Gql = <T>(query: string, variables?: Record<string, unknown>) => Promise<T>;

/**
 * GraphQL through the SDK's own client (auth, URL checks, typed errors). Small hand-written documents fetch
 * exactly the fields shown, in one round trip; the SDK's models would fetch each relation lazily.
 */
export function createLinearGql(config: LinearIntegrationConfig): Gql {
  const client = lazy<LinearClient>(async () => {
    const { LinearClient } = await import("@linear/sdk");
    return new LinearClient({ apiKey: config.api_key, apiUrl: config.api_url });
  });
  return async <T>(query: string, variables: Record<string, unknown> = {}) => {
    const linear = await client();
    const response = await linear.client.rawRequest<T, Record<string, unknown>>(query, variables);
    if (!response.data) throw new Error("Linear returned no data");
    return response.data;
  };
}

const KINDS: Record<string, FailureKind> = {
  Ratelimited: "rate_limited",
  AuthenticationError: "auth",
  Forbidden: "forbidden",
  FeatureNotAccessible: "forbidden",
  UsageLimitExceeded: "forbidden",
  InvalidInput: "invalid",
  UserError: "invalid",
  GraphqlError: "invalid",
  NetworkError: "unavailable",
  InternalError: "unavailable",
  LockTimeout: "unavailable",
};

function waitSeconds(error: unknown): number | undefined {
  const retryAfter = field(error, "retryAfter");
  if (typeof retryAfter === "number") return Math.max(0, Math.ceil(retryAfter));
  const resetAt = Number(readHeader(field(error, "raw", "response", "headers"), "x-ratelimit-requests-reset"));
  return Number.isFinite(resetAt) && resetAt > 0 ? Math.max(0, Math.ceil((resetAt - Date.now()) / 1000)) : undefined;
}

/** A LinearError (kind from its GraphQL error type, not the HTTP status) as plain data; anything else generically. */
export function linearFailure(error: unknown): UpstreamFailure {
  const type = field(error, "type");
  const errors = field(error, "errors");
  if (typeof type !== "string" || !Array.isArray(errors)) return describeFailure(error);
  const first = field(errors[0], "message");
  const detail = typeof first === "string" ? first : error instanceof Error ? error.message : String(error);
  let kind = KINDS[type] ?? "other";
  if (kind === "invalid" && /not found|could not find/i.test(detail)) kind = "not_found";
  const failure: UpstreamFailure = { kind, detail };
  const status = field(error, "status");
  if (errors.length === 0 && typeof status === "number") failure.status = status;
  const operation = String(field(error, "query") ?? "").match(/^\s*(query|mutation)\s+(\w+)/);
  // The id it asked for names what was missing (the GraphQL error says only "Issue").
  const id = field(error, "variables", "id");
  if (operation) failure.request = `${operation[1]} ${operation[2]}${typeof id === "string" ? ` (id ${id})` : ""}`;
  const wait = kind === "rate_limited" ? waitSeconds(error) : undefined;
  if (wait !== undefined) failure.retryAfterSeconds = wait;
  return failure;
}

export const linearCheckHints: ErrorHints = { auth: AUTH_HINT, unreachable: UNREACHABLE_HINT };

export function linearError(error: unknown, hints: ErrorHints = {}): ToolResult {
  return integrationError(SERVICE, linearFailure(error), {
    auth: AUTH_HINT,
    forbidden: "the API key lacks access to this team or feature",
    unreachable: UNREACHABLE_HINT,
    ...hints,
  });
}
