/**
 * A loopback fake of the GitHub REST API paths the issue-comment trigger uses (comments, reactions, collaborator
 * permission, pulls, repos), plus its git side: a local bare repository named as the repo's `clone_url`,
 * and a signed webhook sender.
 */
import { execFileSync } from "node:child_process";
import { createHmac, createVerify, randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { tempDir } from "../helpers/cli.js";
import { type FakeServer, type RecordedRequest, type Reply, startFake } from "./http.js";

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
}

export interface FakePull {
  number: number;
  head: string;
  base: string;
  title: string;
  body: string;
  state: "open" | "closed";
  html_url: string;
}

export interface GitHubTriggerFake extends FakeServer {
  token: string;
  repo: string;
  cloneUrl: string;
  bareDir: string;
  comments: Map<number, FakeComment>;
  /** Every comment as posted and every edit, in order (the body at that moment). */
  history: Array<FakeComment & { kind: "post" | "edit" }>;
  pulls: FakePull[];
  /** Role per login for the collaborator-permission endpoint (default `write`). */
  setPermission(login: string, role: "none" | "read" | "triage" | "write" | "maintain" | "admin"): void;
  /** The permission endpoint answers this status (an outage) until called with undefined. */
  failPermission(status: number | undefined): void;
  /** Requests matching a method and a path pattern. */
  calls(method: string, pattern: RegExp): RecordedRequest[];
  /** `git` against the bare repository (what was really pushed). */
  git(...args: string[]): string;
}

const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@example.com",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@example.com",
};
const run = (args: string[], cwd?: string) => execFileSync("git", args, { cwd, env: GIT_ENV, encoding: "utf8" });

/** A bare repository with one commit (README.md) on `main`; extra branches as name → files. */
export function createBareRepo(branches: Record<string, Record<string, string>> = {}): string {
  const root = tempDir("gh-remote");
  const seed = join(root, "seed");
  mkdirSync(seed);
  run(["init", "--quiet", "-b", "main", seed]);
  writeFileSync(join(seed, "README.md"), "# widgets\n");
  run(["add", "."], seed);
  run(["commit", "--quiet", "-m", "initial"], seed);
  for (const [branch, files] of Object.entries(branches)) {
    run(["checkout", "--quiet", "-b", branch, "main"], seed);
    for (const [path, content] of Object.entries(files)) writeFileSync(join(seed, path), content);
    run(["add", "."], seed);
    run(["commit", "--quiet", "-m", `on ${branch}`], seed);
  }
  const bare = join(root, "remote.git");
  run(["clone", "--quiet", "--bare", seed, bare]);
  return bare;
}

/** Checks an app JWT as GitHub does: RS256 over header.payload with the app's key, `iss` = app id, not expired. */
function verifyAppJwt(authorization: string, app: { id: string; publicKey: string }): boolean {
  const jwt = authorization.replace(/^Bearer /, "");
  const [head, body, signature] = jwt.split(".");
  if (!head || !body || !signature) return false;
  const valid = createVerify("RSA-SHA256").update(`${head}.${body}`).verify(app.publicKey, Buffer.from(signature, "base64url"));
  const claims = JSON.parse(Buffer.from(body, "base64url").toString()) as { iss?: string; exp?: number };
  return valid && String(claims.iss) === app.id && (claims.exp ?? 0) * 1000 > Date.now();
}

export async function startGitHubTriggerFake(
  options: {
    token?: string;
    repo?: string;
    branches?: Record<string, Record<string, string>>;
    /** A GitHub App (id + public key): app JWTs are verified, and its installation token is `token`. */
    app?: { id: string; publicKey: string; installationId: number };
  } = {},
): Promise<GitHubTriggerFake> {
  const token = options.token ?? "ghp_trigger";
  const repoName = options.repo ?? "acme/widgets";
  const bareDir = createBareRepo(options.branches);
  const cloneUrl = pathToFileURL(bareDir).href;
  const comments = new Map<number, FakeComment>();
  const pulls: FakePull[] = [];
  const history: GitHubTriggerFake["history"] = [];
  const roles = new Map<string, string>();
  let permissionFailure: number | undefined;
  let nextId = 5000;
  const web = `https://github.example/${repoName}`;
  const repoJson = {
    id: 1,
    name: repoName.split("/")[1],
    full_name: repoName,
    owner: { login: repoName.split("/")[0] },
    clone_url: cloneUrl,
    default_branch: "main",
  };

  const pullJson = (p: FakePull) => ({ ...p, head: { ref: p.head, repo: repoJson }, base: { ref: p.base, repo: repoJson } });
  type Route = [string, RegExp, (m: string[], req: RecordedRequest) => Reply];
  const body = (req: RecordedRequest) => req.body as Record<string, unknown>;
  const routes: Route[] = [
    ["GET", /^\/user$/, () => ({ json: { login: "openkoi-bot", id: 7, type: "User" } })],
    ["GET", /^\/rate_limit$/, () => ({ json: { resources: {}, rate: { limit: 5000, remaining: 4999 } } })],
    ["GET", /^\/repos\/[^/]+\/[^/]+$/, () => ({ json: repoJson })],
    [
      "POST",
      /\/issues\/(\d+)\/comments$/,
      ([, n = ""], req) => {
        const comment = { id: nextId++, issue: Number(n), body: String(body(req).body) };
        comments.set(comment.id, comment);
        history.push({ ...comment, kind: "post" });
        return { status: 201, json: { ...comment, html_url: `${web}/issues/${n}#issuecomment-${comment.id}`, user: { login: "openkoi-bot", type: "User" } } };
      },
    ],
    [
      "PATCH",
      /\/issues\/comments\/(\d+)$/,
      ([, id = ""], req) => {
        const comment = comments.get(Number(id));
        if (!comment) return { status: 404, json: { message: "Not Found" } };
        comment.body = String(body(req).body);
        history.push({ ...comment, kind: "edit" });
        return { json: { ...comment, user: { login: "openkoi-bot", type: "User" } } };
      },
    ],
    ["POST", /\/reactions$/, (_m, req) => ({ status: 201, json: { id: nextId++, content: body(req).content } })],
    [
      "GET",
      /\/collaborators\/([^/]+)\/permission$/,
      ([, login = ""]) => {
        if (permissionFailure) return { status: permissionFailure, json: { message: "Service Unavailable" } };
        const role = roles.get(login) ?? "write";
        const permission = role === "maintain" ? "write" : role === "triage" ? "read" : role;
        return { json: { permission, role_name: role, user: { login } } };
      },
    ],
    [
      "GET",
      /\/pulls$/,
      (_m, req) => {
        const head = req.query.head?.split(":")[1];
        return { json: pulls.filter((p) => (!head || p.head === head) && (req.query.state ?? "open") === p.state).map(pullJson) };
      },
    ],
    [
      "POST",
      /\/pulls$/,
      (_m, req) => {
        const b = body(req);
        const number = 100 + pulls.length;
        const pull: FakePull = {
          number,
          head: String(b.head),
          base: String(b.base),
          title: String(b.title),
          body: String(b.body ?? ""),
          state: "open",
          html_url: `${web}/pull/${number}`,
        };
        pulls.push(pull);
        return { status: 201, json: pullJson(pull) };
      },
    ],
    [
      "PATCH",
      /\/pulls\/(\d+)$/,
      ([, n = ""], req) => {
        const pull = pulls.find((p) => p.number === Number(n));
        if (!pull) return { status: 404, json: { message: "Not Found" } };
        if (typeof body(req).body === "string") pull.body = String(body(req).body);
        return { json: pullJson(pull) };
      },
    ],
    [
      "GET",
      /\/pulls\/(\d+)$/,
      ([, n = ""]) => {
        const pull = pulls.find((p) => p.number === Number(n));
        return pull ? { json: pullJson(pull) } : { status: 404, json: { message: "Not Found" } };
      },
    ],
  ];

  const app = options.app;
  const appRoute = (req: RecordedRequest) => {
    if (!app || !(req.path === "/app" || req.path.startsWith("/app/") || req.path.endsWith("/installation"))) return undefined;
    if (!verifyAppJwt(String(req.headers.authorization ?? ""), app)) return { status: 401, json: { message: "A JSON web token could not be decoded" } };
    if (req.path === "/app") return { json: { id: Number(app.id), slug: "openkoi-app", name: "openkoi app" } };
    if (req.method === "GET" && req.path === `/repos/${repoName}/installation`) return { json: { id: app.installationId } };
    if (req.method === "POST" && req.path === `/app/installations/${app.installationId}/access_tokens`) {
      return { status: 201, json: { token, expires_at: new Date(Date.now() + 3_600_000).toISOString() } };
    }
    return { status: 404, json: { message: "Not Found" } };
  };

  const fake = await startFake("github-trigger", (req) => {
    const viaApp = appRoute(req);
    if (viaApp) return viaApp;
    if (req.headers.authorization !== `token ${token}`) return { status: 401, json: { message: "Bad credentials" } };
    for (const [method, pattern, handle] of routes) {
      const match = req.method === method ? decodeURIComponent(req.path).match(pattern) : null;
      if (match)
        return handle(
          [...match].map((p) => p ?? ""),
          req,
        );
    }
    return undefined;
  });
  return {
    ...fake,
    token,
    repo: repoName,
    cloneUrl,
    bareDir,
    comments,
    history,
    pulls,
    setPermission: (login, role) => void roles.set(login, role),
    failPermission: (status) => {
      permissionFailure = status;
    },
    calls: (method, pattern) => fake.requests.filter((r) => r.method === method && pattern.test(r.path)),
    git: (...args) => run(["--git-dir", bareDir, ...args]),
  };
}

interface FixtureUser {
  login: string;
  type: string;
  [key: string]: unknown;
}
interface FixtureRepo {
  name: string;
  full_name: string;
  clone_url: string;
  default_branch: string;
  owner: FixtureUser;
  [key: string]: unknown;
}
interface FixtureComment {
  id: number;
  body: string;
  author_association: string;
  user: FixtureUser;
  [key: string]: unknown;
}
/** The fields of the recorded payloads that tests change. */
export interface IssueCommentFixture {
  action: string;
  issue: { number: number; title: string; body: string | null; pull_request?: unknown; user: FixtureUser; [key: string]: unknown };
  comment: FixtureComment;
  repository: FixtureRepo;
  sender: FixtureUser;
}
export interface ReviewCommentFixture {
  action: string;
  comment: FixtureComment & { path: string; diff_hunk: string };
  pull_request: { number: number; title: string; body: string | null; user: FixtureUser; head: { ref: string; repo: FixtureRepo }; [key: string]: unknown };
  repository: FixtureRepo;
  sender: FixtureUser;
}

export function fixture(name: "issue_comment.created"): IssueCommentFixture;
export function fixture(name: "pull_request_review_comment.created"): ReviewCommentFixture;
export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../fixtures/github/${name}.json`, import.meta.url), "utf8"));
}

export interface CommentInput {
  repo: string;
  cloneUrl: string;
  issue: number;
  title?: string;
  issueBody?: string;
  /** Set for a comment on a pull request (the `issue` is then the PR). */
  pullRequest?: boolean;
  commentId?: number;
  body: string;
  login?: string;
  association?: string;
  senderType?: "User" | "Bot";
}

/** A real `issue_comment.created` payload (from test/fixtures/github) with our repository, issue and comment. */
export function issueCommentPayload(input: CommentInput): IssueCommentFixture {
  const p = fixture("issue_comment.created");
  const [owner = "", name = ""] = input.repo.split("/");
  const login = input.login ?? "alice";
  Object.assign(p.repository, { name, full_name: input.repo, clone_url: input.cloneUrl, default_branch: "main" });
  p.repository.owner.login = owner;
  Object.assign(p.issue, { number: input.issue, title: input.title ?? "Crash on empty input", body: input.issueBody ?? "Steps: run it with no input." });
  if (input.pullRequest) p.issue.pull_request = { url: `https://api.github.com/repos/${input.repo}/pulls/${input.issue}` };
  Object.assign(p.comment, {
    id: input.commentId ?? Math.floor(Math.random() * 1e9),
    body: input.body,
    author_association: input.association ?? "COLLABORATOR",
  });
  Object.assign(p.comment.user, { login, type: input.senderType ?? "User" });
  Object.assign(p.sender, { login, type: input.senderType ?? "User" });
  return p;
}

/** A real `pull_request_review_comment.created` payload on PR `number` whose head is `headRef` in the same repo. */
export function reviewCommentPayload(input: {
  repo: string;
  cloneUrl: string;
  number: number;
  headRef: string;
  body: string;
  login?: string;
  commentId?: number;
}): ReviewCommentFixture {
  const p = fixture("pull_request_review_comment.created");
  const [owner = "", name = ""] = input.repo.split("/");
  Object.assign(p.repository, { name, full_name: input.repo, clone_url: input.cloneUrl, default_branch: "main" });
  p.repository.owner.login = owner;
  Object.assign(p.pull_request, { number: input.number });
  p.pull_request.head.ref = input.headRef;
  p.pull_request.head.repo.full_name = input.repo;
  Object.assign(p.comment, { id: input.commentId ?? 77, body: input.body, author_association: "MEMBER" });
  p.comment.user.login = input.login ?? "alice";
  p.sender.login = input.login ?? "alice";
  return p;
}

/** POSTs a webhook delivery signed as GitHub signs it (HMAC-SHA256 of the raw body in X-Hub-Signature-256). */
export async function deliver(
  url: string,
  event: string,
  payload: unknown,
  options: { secret: string; id?: string },
): Promise<{ status: number; json: Record<string, unknown>; id: string }> {
  const raw = JSON.stringify(payload);
  const id = options.id ?? randomUUID();
  const signature = `sha256=${createHmac("sha256", options.secret).update(raw).digest("hex")}`;
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": event,
      "x-github-delivery": id,
      "x-hub-signature-256": signature,
      "user-agent": "GitHub-Hookshot/abc",
    },
    body: raw,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown>, id };
}
