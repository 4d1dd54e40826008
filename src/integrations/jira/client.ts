import type { Version3Client } from "jira.js/version3";
import type { ToolResult } from "../../core/tool.js";
import { type ErrorHints, field, httpFailure, integrationError, lazy, type UpstreamFailure } from "../common.js";
import type { JiraIntegrationConfig } from "./config.js";

export const SERVICE = "Jira";
const AUTH_HINT = "check integrations.jira.email and integrations.jira.api_token";
const UNREACHABLE_HINT = "check integrations.jira.host and the network";

/** The jira.js client (the `version3` subpath, cheaper to import), built on first use. */
export function createJiraClient(config: JiraIntegrationConfig): () => Promise<Version3Client> {
  return lazy(async () => {
    const { Version3Client } = await import("jira.js/version3");
    return new Version3Client({
      host: siteUrl(config),
      authentication: { basic: { email: config.email, apiToken: config.api_token } },
    });
  });
}

export function siteUrl(config: JiraIntegrationConfig): string {
  return config.host.replace(/\/+$/, "");
}

function requestLine(axiosError: unknown): string | undefined {
  const method = field(axiosError, "config", "method");
  const url = field(axiosError, "config", "url");
  if (typeof method !== "string" || typeof url !== "string") return undefined;
  return `${method.toUpperCase()} ${url.split("?")[0]}`;
}

/** Jira's `{errorMessages[], errors{field: message}}`, or a short plain-text body. */
function detailOf(data: unknown): string | undefined {
  if (typeof data === "string") return data.length < 300 && !data.includes("<") ? data.trim() || undefined : undefined;
  const parts: string[] = [];
  const messages = field(data, "errorMessages");
  if (Array.isArray(messages)) parts.push(...messages.filter((m): m is string => typeof m === "string"));
  const errors = field(data, "errors");
  if (errors && typeof errors === "object") {
    for (const [name, message] of Object.entries(errors)) parts.push(`${name}: ${String(message)}`);
  }
  return parts.length ? parts.join("; ") : undefined;
}

/** jira.js throws HttpException (status, response.data, cause = the AxiosError) or, with no response, the AxiosError. */
export function jiraFailure(error: unknown): UpstreamFailure {
  const status = field(error, "status");
  const axiosError = field(error, "cause", "config") ? field(error, "cause") : error;
  const request = requestLine(axiosError);
  const withRequest = request ? { request } : {};
  if (typeof status !== "number" || field(axiosError, "response") === undefined) {
    const message = error instanceof Error ? error.message : String(error);
    return { kind: field(error, "isAxiosError") === true ? "unreachable" : "other", detail: message, ...withRequest };
  }
  const detail = detailOf(field(error, "response", "data"));
  return httpFailure({ status, headers: field(axiosError, "response", "headers"), ...(detail ? { detail } : {}), ...withRequest });
}

export const jiraCheckHints: ErrorHints = { auth: AUTH_HINT, unreachable: UNREACHABLE_HINT };

export function jiraError(error: unknown, hints: ErrorHints = {}): ToolResult {
  return integrationError(SERVICE, jiraFailure(error), {
    auth: AUTH_HINT,
    forbidden: "the Jira account lacks permission for this project or action",
    unreachable: UNREACHABLE_HINT,
    ...hints,
  });
}
