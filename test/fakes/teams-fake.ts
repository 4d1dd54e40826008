/**
 * A loopback fake of the Microsoft Teams side of the Bot Framework: the channel's OpenID metadata + JWKS (inbound
 * JWTs are signed with a key generated here), the Entra token endpoint (client credentials), and the Bot Connector
 * REST API at `serviceUrl` (replies, sends, updates), keeping the messages it received.
 */
import { createSign, generateKeyPairSync, type KeyObject } from "node:crypto";
import { type FakeServer, type RecordedRequest, type Reply, startFake } from "./http.js";

export const TEAMS_ISSUER = "https://api.botframework.com";
export const TEAMS_TENANT = "tenant-1";

type Json = Record<string, unknown>;

export interface TeamsMessage {
  kind: "post" | "edit";
  id: string;
  conversationId: string;
  /** The activity id in the request path of a reply (replyToActivity), if any. */
  replyToId?: string;
  activity: Json;
  /** What a reader sees: the text, or the card's text blocks, facts and button titles, unescaped. */
  text: string;
}

export interface TeamsFake extends FakeServer {
  appId: string;
  appPassword: string;
  /** The outbound access token the fake issues and the connector requires. */
  accessToken: string;
  serviceUrl: string;
  openidMetadataUrl: string;
  tokenEndpoint: string;
  messages: TeamsMessage[];
  /** A channel JWT (RS256, the fake's key), valid for this app and serviceUrl unless claims override. */
  sign(claims?: Json, key?: KeyObject): string;
  /** The next `times` connector calls matching `match` get `reply` instead (after being recorded). */
  failNext(reply: Reply, times?: number, match?: (r: RecordedRequest) => boolean): void;
  /** A `[channels.teams]` table pointing every endpoint at this fake. */
  channelConfig(extra?: Json): Json;
}

const KID = "fake-teams-kid";

/** Flattens an outgoing activity to what a reader sees (card Markdown escapes removed). */
export function visibleText(activity: Json): string {
  const parts: string[] = [];
  if (typeof activity.text === "string") parts.push(activity.text);
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (!node || typeof node !== "object") return;
    const n = node as Json;
    if ((n.type === "TextBlock" || n.type === "TextRun") && typeof n.text === "string") parts.push(n.text);
    if (n.type === "FactSet" && Array.isArray(n.facts)) for (const f of n.facts as Json[]) parts.push(`${String(f.title)}: ${String(f.value)}`);
    if (typeof n.type === "string" && n.type.startsWith("Action.") && typeof n.title === "string") parts.push(n.title);
    for (const key of ["attachments", "content", "body", "items", "inlines", "actions"]) if (key in n) walk(n[key]);
  };
  walk(activity.attachments);
  return parts
    .join("\n")
    .replace(/\\([\\`*_~[\]()<>#+.-])/g, "$1")
    .replace(/\u200b/g, "")
    .replace(/\n\n/g, "\n");
}

export async function startTeamsFake(options: { appId?: string; appPassword?: string } = {}): Promise<TeamsFake> {
  const appId = options.appId ?? "11111111-2222-3333-4444-555555555555";
  const appPassword = options.appPassword ?? "fake-secret";
  const accessToken = "fake-outbound-access-token";
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = publicKey.export({ format: "jwk" });
  const messages: TeamsMessage[] = [];
  const failures: Array<{ reply: Reply; match: (r: RecordedRequest) => boolean }> = [];
  let base = "";
  let nextId = 1;

  const connector = (r: RecordedRequest): Reply | undefined => {
    const m = r.path.match(/^\/teams\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/);
    if (!m?.[1]) return undefined;
    if (appId && r.headers.authorization !== `Bearer ${accessToken}`)
      return { status: 401, json: { error: { code: "Unauthorized", message: "Authorization has been denied for this request." } } };
    const failure = failures.findIndex((f) => f.match(r));
    if (failure >= 0) return failures.splice(failure, 1)[0]?.reply;
    const conversationId = decodeURIComponent(m[1]);
    const pathId = m[2] ? decodeURIComponent(m[2]) : undefined;
    const activity = (r.body ?? {}) as Json;
    if (r.method === "PUT" && pathId) {
      messages.push({ kind: "edit", id: pathId, conversationId, activity, text: visibleText(activity) });
      return { json: { id: pathId } };
    }
    if (r.method !== "POST") return undefined;
    const id = `1700000${String(nextId++).padStart(6, "0")}`;
    messages.push({ kind: "post", id, conversationId, replyToId: pathId, activity, text: visibleText(activity) });
    return { json: { id } };
  };

  const handler = (r: RecordedRequest): Reply | undefined => {
    if (r.path === "/v1/.well-known/openidconfiguration")
      return { json: { issuer: TEAMS_ISSUER, jwks_uri: `${base}/v1/.well-known/keys`, id_token_signing_alg_values_supported: ["RS256"] } };
    if (r.path === "/v1/.well-known/keys")
      return { json: { keys: [{ kty: "RSA", use: "sig", kid: KID, n: jwk.n, e: jwk.e, endorsements: ["msteams", "emulator"] }] } };
    if (r.method === "POST" && r.path.endsWith("/oauth2/v2.0/token")) {
      const form = r.body as Record<string, string>;
      if (form.client_id !== appId || form.client_secret !== appPassword) {
        return { status: 401, json: { error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret provided." } };
      }
      return { json: { token_type: "Bearer", expires_in: 3600, ext_expires_in: 3600, access_token: accessToken } };
    }
    return connector(r);
  };

  const server = await startFake("teams", handler);
  base = server.url;
  const serviceUrl = `${base}/teams/`;

  const sign = (claims: Json = {}, key: KeyObject = privateKey): string => {
    const enc = (o: Json) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const now = Math.floor(Date.now() / 1000);
    const head = enc({ alg: "RS256", typ: "JWT", kid: KID });
    const body = enc({ iss: TEAMS_ISSUER, aud: appId, serviceurl: serviceUrl, nbf: now - 10, exp: now + 3600, ...claims });
    const signature = createSign("RSA-SHA256").update(`${head}.${body}`).sign(key).toString("base64url");
    return `${head}.${body}.${signature}`;
  };

  return {
    ...server,
    appId,
    appPassword,
    accessToken,
    serviceUrl,
    openidMetadataUrl: `${base}/v1/.well-known/openidconfiguration`,
    tokenEndpoint: `${base}/${TEAMS_TENANT}/oauth2/v2.0/token`,
    messages,
    sign,
    failNext(reply, times = 1, match = () => true) {
      for (let i = 0; i < times; i++) failures.push({ reply, match });
    },
    channelConfig(extra = {}) {
      return {
        ...(appId ? { app_id: appId, app_password: appPassword, tenant_id: TEAMS_TENANT } : {}),
        openid_metadata_url: `${base}/v1/.well-known/openidconfiguration`,
        token_endpoint: `${base}/${TEAMS_TENANT}/oauth2/v2.0/token`,
        ...extra,
      };
    },
  };
}
