import type { Client } from "@notionhq/client";
import type { ToolResult } from "../../core/tool.js";
import { type ErrorHints, field, httpFailure, integrationError, lazy, type UpstreamFailure } from "../common.js";
import type { NotionConfig } from "./config.js";

export const SERVICE = "Notion";
const AUTH_HINT = "check integrations.notion.token";
const UNREACHABLE_HINT = "check integrations.notion.base_url and the network";

/** The Notion client, imported and built on first use. */
export function createNotionClient(config: NotionConfig): () => Promise<Client> {
  return lazy(async () => {
    const { Client } = await import("@notionhq/client");
    return new Client({
      auth: config.token,
      baseUrl: config.base_url.replace(/\/+$/, ""),
      timeoutMs: config.timeout_ms,
      // One retry owner: the agent loop decides, tools only report the wait.
      retry: false,
      // Failures reach the model as results; the SDK's console warnings would only add noise.
      logger: () => {},
    });
  });
}

/** The SDK's APIResponseError (status, code, headers) as plain data. */
export function notionFailure(error: unknown): UpstreamFailure {
  const status = field(error, "status");
  const message = error instanceof Error ? error.message : String(error);
  if (typeof status !== "number") {
    const cause = field(error, "cause", "message");
    const unreachable = error instanceof TypeError || field(error, "code") === "notionhq_client_request_timeout";
    return { kind: unreachable ? "unreachable" : "other", detail: typeof cause === "string" ? cause : message };
  }
  const code = field(error, "code");
  return httpFailure({ status, headers: field(error, "headers"), detail: typeof code === "string" ? `${code}: ${message}` : message });
}

export const notionCheckHints: ErrorHints = { auth: AUTH_HINT, unreachable: UNREACHABLE_HINT };

export function notionError(error: unknown, hints: ErrorHints = {}): ToolResult {
  return integrationError(SERVICE, notionFailure(error), {
    auth: AUTH_HINT,
    forbidden: "the integration lacks this capability; enable it in the Notion integration settings",
    not_found: "check the id, and share the page with the integration (page ⋯ menu → Connections)",
    unreachable: UNREACHABLE_HINT,
    ...hints,
  });
}
