import type { Octokit } from "@octokit/rest";
import { OpenKoiError, RateLimitedError } from "../../core/errors.js";
import type { GitHubAuth } from "./auth.js";
import type { GitHubChannelConfig } from "./config.js";

/** Octokit for one repository (its token may be that repository's App installation token). */
export type Client = (repo: string) => Promise<Octokit>;

const silentLog = { debug() {}, info() {}, warn() {}, error() {} };

/** Octokit, imported on first use and built per token; every URL comes from `api_url`. */
export function createClient(config: Pick<GitHubChannelConfig, "api_url">, auth: GitHubAuth): Client {
  const clients = new Map<string, Octokit>();
  return async (repo) => {
    const token = await auth.tokenFor(repo);
    const known = clients.get(token);
    if (known) return known;
    const { Octokit } = await import("@octokit/rest");
    const octokit = new Octokit({ auth: token, baseUrl: config.api_url.replace(/\/+$/, ""), userAgent: "openkoi", log: silentLog });
    if (clients.size > 50) clients.clear(); // expired installation tokens
    clients.set(token, octokit);
    return octokit;
  };
}

function field(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!current || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Octokit's RequestError → RateLimitedError (the reply sink waits) or an actionable OpenKoiError. */
export function githubError(error: unknown, what: string): Error {
  const status = field(error, "status");
  const headers = field(error, "response", "headers");
  const message = field(error, "response", "data", "message") ?? (error instanceof Error ? error.message : String(error));
  if (typeof status !== "number")
    return new OpenKoiError("UPSTREAM", `GitHub could not be reached to ${what}: ${String(message)}; check channels.github.api_url and the network`, {
      cause: error,
    });
  const retryAfter = Number(field(headers, "retry-after"));
  const reset = Number(field(headers, "x-ratelimit-reset"));
  if (status === 429 || (status === 403 && (Number.isFinite(retryAfter) || field(headers, "x-ratelimit-remaining") === "0"))) {
    const waitMs =
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : Number.isFinite(reset) ? Math.max(1000, reset * 1000 - Date.now()) : 60_000;
    return new RateLimitedError(`GitHub rate limit while trying to ${what}`, waitMs);
  }
  const hint =
    status === 401
      ? ": check channels.github.token"
      : status === 403 || status === 404
        ? ": check that the token can access this repository (contents, issues and pull requests: read and write)"
        : "";
  return new OpenKoiError("UPSTREAM", `GitHub said ${status} ${String(message)} when trying to ${what}${hint}`, { cause: error });
}

export async function call<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw githubError(error, what);
  }
}

export function splitRepo(fullName: string): { owner: string; repo: string } {
  const [owner = "", repo = ""] = fullName.split("/");
  return { owner, repo };
}

/** The commenter's role on the repository (`role_name` is finer than `permission`: it knows triage and maintain). */
export async function permissionOf(client: Client, fullName: string, username: string, signal?: AbortSignal): Promise<string> {
  const octokit = await client(fullName);
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ ...splitRepo(fullName), username, request: { signal } });
    const role = (data as { role_name?: string }).role_name;
    return role && ["read", "triage", "write", "maintain", "admin"].includes(role) ? role : data.permission;
  } catch (error) {
    if (field(error, "status") === 404) return "none";
    throw githubError(error, `read ${username}'s permission on ${fullName}`);
  }
}

export interface PullInfo {
  number: number;
  url: string;
  created: boolean;
}

/** Opens the pull request for `branch`, or updates the body of the open one: never a second PR. */
export async function upsertPull(client: Client, fullName: string, pr: { branch: string; base: string; title: string; body: string }): Promise<PullInfo> {
  const octokit = await client(fullName);
  const where = splitRepo(fullName);
  const { data: open } = await call(`list pull requests of ${fullName}`, () =>
    octokit.rest.pulls.list({ ...where, head: `${where.owner}:${pr.branch}`, state: "open", per_page: 5 }),
  );
  const existing = open.find((p) => p.head.ref === pr.branch);
  if (existing) {
    await call(`update pull request #${existing.number}`, () => octokit.rest.pulls.update({ ...where, pull_number: existing.number, body: pr.body }));
    return { number: existing.number, url: existing.html_url, created: false };
  }
  const { data } = await call(`open a pull request from ${pr.branch}`, () =>
    octokit.rest.pulls.create({ ...where, head: pr.branch, base: pr.base, title: pr.title, body: pr.body }),
  );
  return { number: data.number, url: data.html_url, created: true };
}

export async function pullHead(client: Client, fullName: string, number: number): Promise<{ ref: string; repo: string | undefined }> {
  const octokit = await client(fullName);
  const { data } = await call(`read pull request #${number}`, () => octokit.rest.pulls.get({ ...splitRepo(fullName), pull_number: number }));
  return { ref: data.head.ref, repo: data.head.repo?.full_name };
}
