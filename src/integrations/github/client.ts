import type { Octokit } from "@octokit/rest";
import type { ToolResult } from "../../core/tool.js";
import { type ErrorHints, field, httpFailure, integrationError, lazy, type UpstreamFailure } from "../common.js";
import type { GitHubIntegrationConfig } from "./config.js";

export const SERVICE = "GitHub";
const AUTH_HINT = "check integrations.github.token";

const silentLog = { debug() {}, info() {}, warn() {}, error() {} };

/** The Octokit client, imported and built on first use. */
export function createGitHubClient(config: GitHubIntegrationConfig): () => Promise<Octokit> {
  return lazy(async () => {
    const { Octokit } = await import("@octokit/rest");
    return new Octokit({
      auth: config.token,
      baseUrl: config.api_url.replace(/\/+$/, ""),
      userAgent: "openkoi",
      // Octokit logs every failed request; failures reach the model as results instead.
      log: silentLog,
    });
  });
}

function requestLine(error: unknown): string | undefined {
  const method = field(error, "request", "method");
  const url = field(error, "request", "url");
  if (typeof method !== "string" || typeof url !== "string") return undefined;
  try {
    return `${method} ${decodeURIComponent(new URL(url).pathname)}`;
  } catch {
    return `${method} ${url}`;
  }
}

function detailOf(data: unknown, fallback: string): string {
  const message = field(data, "message");
  const errors = field(data, "errors");
  const parts = typeof message === "string" ? [message] : [fallback];
  if (Array.isArray(errors)) {
    for (const item of errors) {
      const text = field(item, "message") ?? field(item, "code");
      if (typeof text === "string") parts.push(text);
    }
  }
  return parts.join(": ");
}

/** Octokit's RequestError as plain data; with no response it never reached GitHub. */
export function githubFailure(error: unknown): UpstreamFailure {
  const message = error instanceof Error ? error.message : String(error);
  const status = field(error, "status");
  const response = field(error, "response");
  const request = requestLine(error);
  if (typeof status !== "number" || response === undefined) {
    return { kind: error instanceof Error && field(error, "name") === "HttpError" ? "unreachable" : "other", detail: message, ...(request ? { request } : {}) };
  }
  return httpFailure({
    status,
    headers: field(response, "headers"),
    detail: detailOf(field(response, "data"), message),
    ...(request ? { request } : {}),
  });
}

export function githubError(error: unknown, hints: ErrorHints = {}): ToolResult {
  return integrationError(SERVICE, githubFailure(error), {
    auth: AUTH_HINT,
    forbidden: "the token lacks permission for this repository or action",
    unreachable: "check integrations.github.api_url and the network",
    ...hints,
  });
}

export const githubCheckHints: ErrorHints = { auth: AUTH_HINT, unreachable: "check integrations.github.api_url and the network" };
