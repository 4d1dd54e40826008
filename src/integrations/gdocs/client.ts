import { readFile } from "node:fs/promises";
import type { docs_v1 } from "@googleapis/docs";
import { z } from "zod";
import { ConfigError, OpenKoiError } from "../../core/errors.js";
import type { ToolResult } from "../../core/tool.js";
import { type ErrorHints, field, httpFailure, integrationError, lazy, type UpstreamFailure } from "../common.js";
import type { GdocsConfig } from "./config.js";

export const SERVICE = "Google Docs";
export const SCOPES = ["https://www.googleapis.com/auth/documents", "https://www.googleapis.com/auth/drive.file"];
const AUTH_HINT = "check integrations.gdocs.access_token or integrations.gdocs.service_account_key_file";
const UNREACHABLE_HINT = "check integrations.gdocs.root_url and the network";

const serviceAccountKey = z.object({
  type: z.literal("service_account"),
  client_email: z.string().min(1),
  private_key: z.string().min(1),
  private_key_id: z.string().optional(),
});

async function readKey(file: string): Promise<z.infer<typeof serviceAccountKey>> {
  const where = "integrations.gdocs.service_account_key_file";
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new ConfigError(`${where}: cannot read ${file} as JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const key = serviceAccountKey.safeParse(raw);
  if (!key.success) throw new ConfigError(`${where}: ${file} is not a service account JSON key (needs type, client_email, private_key)`);
  return key.data;
}

/** The Docs v1 client from the per-API package, imported and built on first use. */
export function createDocsClient(config: GdocsConfig): () => Promise<docs_v1.Docs> {
  return lazy(async () => {
    const { docs, auth } = await import("@googleapis/docs");
    let client: InstanceType<typeof auth.OAuth2> | InstanceType<typeof auth.JWT>;
    if (config.service_account_key_file) {
      const key = await readKey(config.service_account_key_file);
      const jwt = new auth.JWT({ email: key.client_email, key: key.private_key, keyId: key.private_key_id, scopes: SCOPES });
      // A self-signed JWT carrying the scopes is itself the bearer token: no round trip to Google's token endpoint.
      jwt.useJWTAccessWithScope = true;
      client = jwt;
    } else {
      client = new auth.OAuth2();
      client.setCredentials({ access_token: config.access_token ?? null });
    }
    // One retry owner: gaxios would otherwise retry GETs (429, 5xx) on its own.
    return docs({ version: "v1", auth: client, rootUrl: config.root_url, retry: false, timeout: config.timeout_ms });
  });
}

/** A GaxiosError (`status`, `response.data.error`) as plain data; configuration problems pass through. */
export function gdocsFailure(error: unknown): UpstreamFailure {
  if (error instanceof OpenKoiError) return { kind: "other", detail: error.message };
  const status = field(error, "status") ?? field(error, "response", "status");
  const message = error instanceof Error ? error.message : String(error);
  if (typeof status !== "number") {
    const code = field(error, "code") ?? field(error, "cause", "code");
    const unreachable = typeof code === "string" && /^(E[A-Z_]+|UND_ERR\w*)$/.test(code);
    return { kind: unreachable ? "unreachable" : "other", detail: message };
  }
  const apiError = field(error, "response", "data", "error");
  const reason = field(apiError, "status");
  const detail = String(field(apiError, "message") ?? message);
  const request = requestLine(field(error, "config"));
  return httpFailure({
    status,
    headers: field(error, "response", "headers"),
    detail: typeof reason === "string" ? `${reason}: ${detail}` : detail,
    ...(request ? { request } : {}),
  });
}

/** "GET /v1/documents/<id>" from gaxios' request config: the path names the document. */
function requestLine(config: unknown): string | undefined {
  const method = field(config, "method");
  const url = field(config, "url");
  if (typeof url !== "string" && !(url instanceof URL)) return undefined;
  try {
    return `${typeof method === "string" ? method.toUpperCase() : "GET"} ${decodeURIComponent(new URL(url).pathname)}`;
  } catch {
    return undefined;
  }
}

export const gdocsCheckHints: ErrorHints = { auth: AUTH_HINT, forbidden: AUTH_HINT, unreachable: UNREACHABLE_HINT };

export function gdocsError(error: unknown, hints: ErrorHints = {}): ToolResult {
  if (error instanceof ConfigError) return { output: error.message, isError: true };
  return integrationError(SERVICE, gdocsFailure(error), {
    auth: AUTH_HINT,
    forbidden: "the credentials cannot open this document; share it with the service account's client_email (or the OAuth user)",
    not_found: "check the document id (the part of the URL after /document/d/)",
    unreachable: UNREACHABLE_HINT,
    ...hints,
  });
}

export function documentUrl(documentId: string): string {
  return `https://docs.google.com/document/d/${documentId}/edit`;
}
