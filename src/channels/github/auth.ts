import { createSign } from "node:crypto";
import { OpenKoiError } from "../../core/errors.js";
import type { GitHubChannelConfig } from "./config.js";

/** Where a token for one repository comes from: a fixed token, or a GitHub App's installation. */
export interface GitHubAuth {
  mode: "token" | "app";
  /** A token for API calls and git on `repo` (owner/name). */
  tokenFor(repo: string): Promise<string>;
  /** For GitHub App mode: one authenticated call naming the app (`openkoi doctor`). */
  describeApp(): Promise<string>;
}

const base64url = (data: string | Buffer) => Buffer.from(data).toString("base64url");

/** The app's own JWT (RS256, 9 minutes, 60 s of clock skew allowed), as GitHub documents. */
export function appJwt(appId: string, privateKey: string, now = Date.now()): string {
  const iat = Math.floor(now / 1000) - 60;
  const head = base64url(JSON.stringify({ alg: "RS256", typ: "JWT" }));
  const body = base64url(JSON.stringify({ iat, exp: iat + 600, iss: appId }));
  const signature = createSign("RSA-SHA256").update(`${head}.${body}`).sign(privateKey);
  return `${head}.${body}.${base64url(signature)}`;
}

async function appCall(apiUrl: string, jwt: string, method: string, path: string, what: string): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${jwt}`, accept: "application/vnd.github+json", "user-agent": "openkoi" },
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    throw new OpenKoiError("UPSTREAM", `GitHub could not be reached to ${what}: ${String(error)}; check channels.github.api_url`, { cause: error });
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    const hint =
      res.status === 401 ? ": check channels.github.app_id and private_key" : res.status === 404 ? ": install the GitHub App on this repository" : "";
    throw new OpenKoiError("UPSTREAM", `GitHub said ${res.status} ${String(body.message ?? "")} when trying to ${what}${hint}`);
  }
  return body;
}

/** Installation tokens per repository's installation, minted on demand and renewed 5 minutes before they expire. */
function createAppAuth(appId: string, privateKey: string, apiUrl: string): GitHubAuth {
  // Promises are cached, so concurrent calls share one lookup and one mint; failures are forgotten.
  const installations = new Map<string, Promise<number>>();
  const tokens = new Map<number, { token: Promise<string>; expiresAt: number }>();
  const jwt = () => appJwt(appId, privateKey);
  const installationOf = (repo: string) => {
    let found = installations.get(repo);
    if (!found) {
      found = appCall(apiUrl, jwt(), "GET", `/repos/${repo}/installation`, `find the app's installation on ${repo}`).then((r) => Number(r.id));
      installations.set(repo, found);
      found.catch(() => installations.delete(repo));
    }
    return found;
  };
  return {
    mode: "app",
    async tokenFor(repo) {
      const installation = await installationOf(repo);
      const cached = tokens.get(installation);
      if (cached && cached.expiresAt - Date.now() > 5 * 60_000) return cached.token;
      const entry = { token: Promise.resolve(""), expiresAt: Number.POSITIVE_INFINITY };
      entry.token = appCall(apiUrl, jwt(), "POST", `/app/installations/${installation}/access_tokens`, `get an installation token for ${repo}`).then(
        (minted) => {
          entry.expiresAt = Date.parse(String(minted.expires_at)) || Date.now() + 3_600_000;
          return String(minted.token);
        },
      );
      tokens.set(installation, entry);
      entry.token.catch(() => tokens.delete(installation));
      return entry.token;
    },
    async describeApp() {
      const app = await appCall(apiUrl, jwt(), "GET", "/app", "authenticate as the GitHub App");
      return `GitHub App ${String(app.slug ?? app.name ?? appId)} (id ${appId}) at ${apiUrl}`;
    },
  };
}

export function createGitHubAuth(config: Pick<GitHubChannelConfig, "token" | "app_id" | "private_key" | "api_url">): GitHubAuth {
  const apiUrl = config.api_url.replace(/\/+$/, "");
  if (config.token) {
    const token = config.token;
    return { mode: "token", tokenFor: async () => token, describeApp: async () => "token auth" };
  }
  return createAppAuth(String(config.app_id), String(config.private_key), apiUrl);
}
