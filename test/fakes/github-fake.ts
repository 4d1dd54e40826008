/** A loopback fake of the GitHub REST API (the paths Octokit hits), keeping repos, issues, pulls and files in memory. */
import { type FakeServer, type RecordedRequest, type Reply, startFake } from "./http.js";

export interface FakeIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  state_reason: string | null;
  user: { login: string };
  labels: Array<{ name: string }>;
  assignees: Array<{ login: string }>;
  comments: number;
  created_at: string;
  updated_at: string;
  html_url: string;
  repository_url: string;
  pull_request?: { url: string };
}

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string };
  created_at: string;
  html_url: string;
}

export interface FakeRepo {
  defaultBranch: string;
  issues: Map<number, FakeIssue>;
  comments: Map<number, FakeComment[]>;
  pulls: Map<number, { head: string; base: string; draft: boolean; merged: boolean }>;
  files: Map<string, string | Buffer>;
}

export interface GitHubFake extends FakeServer {
  token: string;
  repo(fullName: string): FakeRepo;
  addIssue(fullName: string, fields: Partial<FakeIssue> & { title: string }): FakeIssue;
  /** The next request gets this reply instead of the normal one (after being recorded). */
  failNext(reply: Reply): void;
}

const TIME = "2025-01-02T03:04:05Z";
const DOCS = "https://docs.github.com/rest";
type Json = Record<string, unknown>;

export async function startGitHubFake(token = "ghp_test"): Promise<GitHubFake> {
  const repos = new Map<string, FakeRepo>();
  const failures: Reply[] = [];
  let nextId = 1000;
  let url = "";

  const repo = (fullName: string): FakeRepo => {
    let found = repos.get(fullName);
    if (!found) {
      found = { defaultBranch: "main", issues: new Map(), comments: new Map(), pulls: new Map(), files: new Map() };
      repos.set(fullName, found);
    }
    return found;
  };

  const addIssue = (fullName: string, fields: Partial<FakeIssue> & { title: string }): FakeIssue => {
    const store = repo(fullName);
    const number = fields.number ?? store.issues.size + 1;
    const issue: FakeIssue = {
      id: nextId++,
      number,
      body: null,
      state: "open",
      state_reason: null,
      user: { login: "alice" },
      labels: [],
      assignees: [],
      comments: 0,
      created_at: TIME,
      updated_at: TIME,
      html_url: `https://github.example/${fullName}/issues/${number}`,
      repository_url: `${url}/repos/${fullName}`,
      ...fields,
    };
    store.issues.set(number, issue);
    return issue;
  };

  const notFound = (): Reply => ({ status: 404, json: { message: "Not Found", documentation_url: DOCS, status: "404" } });

  const routes: Array<[string, RegExp, (m: string[], req: RecordedRequest) => Reply]> = [
    ["GET", /^\/user$/, () => ({ json: { login: "openkoi-bot", id: 1, type: "Bot" } })],
    ["GET", /^\/search\/issues$/, (_m, req) => search(req.query.q ?? "")],
    ["GET", /^\/repos\/([^/]+\/[^/]+)$/, ([, name = ""]) => (repos.has(name) ? { json: repoJson(name) } : notFound())],
    ["GET", /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)$/, ([, name = "", n = ""]) => issueReply(name, Number(n))],
    ["GET", /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/, ([, name = "", n = ""], req) => listComments(name, Number(n), req)],
    ["POST", /^\/repos\/([^/]+\/[^/]+)\/issues$/, ([, name = ""], req) => createIssue(name, req.body as Json)],
    ["POST", /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/, ([, name = "", n = ""], req) => addComment(name, Number(n), req.body as Json)],
    ["GET", /^\/repos\/([^/]+\/[^/]+)\/pulls\/(\d+)$/, ([, name = "", n = ""]) => pullReply(name, Number(n))],
    ["POST", /^\/repos\/([^/]+\/[^/]+)\/pulls$/, ([, name = ""], req) => createPull(name, req.body as Json)],
    ["GET", /^\/repos\/([^/]+\/[^/]+)\/contents(?:\/(.*))?$/, ([, name = "", path = ""], req) => contents(name, decodeURIComponent(path), req)],
  ];

  const repoJson = (name: string) => ({
    id: 42,
    name: name.split("/")[1],
    full_name: name,
    default_branch: repo(name).defaultBranch,
    html_url: `https://github.example/${name}`,
  });

  const issueReply = (name: string, number: number): Reply => {
    const issue = repos.get(name)?.issues.get(number);
    return issue ? { json: issue } : notFound();
  };

  const search = (q: string): Reply => {
    const only = q.match(/\brepo:(\S+)/)?.[1];
    const items = [...repos.entries()].filter(([name]) => !only || name === only).flatMap(([, r]) => [...r.issues.values()]);
    return { json: { total_count: items.length, incomplete_results: false, items } };
  };

  const listComments = (name: string, number: number, req: RecordedRequest): Reply => {
    const all = repos.get(name)?.comments.get(number) ?? [];
    const perPage = Number(req.query.per_page ?? 30);
    const page = Number(req.query.page ?? 1);
    return { json: all.slice((page - 1) * perPage, page * perPage) };
  };

  const createIssue = (name: string, body: Json): Reply => {
    if (!repos.has(name)) return notFound();
    const issue = addIssue(name, {
      title: String(body.title),
      body: typeof body.body === "string" ? body.body : null,
      labels: ((body.labels as string[] | undefined) ?? []).map((label) => ({ name: label })),
      assignees: ((body.assignees as string[] | undefined) ?? []).map((login) => ({ login })),
      user: { login: "openkoi-bot" },
    });
    return { status: 201, json: issue };
  };

  const addComment = (name: string, number: number, body: Json): Reply => {
    const store = repos.get(name);
    const issue = store?.issues.get(number);
    if (!store || !issue) return notFound();
    const id = nextId++;
    const comment: FakeComment = {
      id,
      body: String(body.body),
      user: { login: "openkoi-bot" },
      created_at: TIME,
      html_url: `${issue.html_url}#issuecomment-${id}`,
    };
    store.comments.set(number, [...(store.comments.get(number) ?? []), comment]);
    issue.comments += 1;
    return { status: 201, json: comment };
  };

  const pullJson = (name: string, issue: FakeIssue) => {
    const pull = repo(name).pulls.get(issue.number);
    return {
      ...issue,
      head: { ref: pull?.head, label: `${name.split("/")[0]}:${pull?.head}` },
      base: { ref: pull?.base },
      draft: pull?.draft ?? false,
      merged: pull?.merged ?? false,
      mergeable: true,
      commits: 1,
      additions: 10,
      deletions: 2,
      changed_files: 3,
    };
  };

  const pullReply = (name: string, number: number): Reply => {
    const issue = repos.get(name)?.issues.get(number);
    return issue?.pull_request ? { json: pullJson(name, issue) } : notFound();
  };

  const createPull = (name: string, body: Json): Reply => {
    const store = repos.get(name);
    if (!store) return notFound();
    if (body.head === body.base) {
      const errors = [{ resource: "PullRequest", code: "custom", message: `No commits between ${String(body.base)} and ${String(body.head)}` }];
      return { status: 422, json: { message: "Validation Failed", errors, documentation_url: DOCS, status: "422" } };
    }
    const number = store.issues.size + 1;
    store.pulls.set(number, { head: String(body.head), base: String(body.base), draft: body.draft === true, merged: false });
    const issue = addIssue(name, {
      number,
      title: String(body.title),
      body: typeof body.body === "string" ? body.body : null,
      html_url: `https://github.example/${name}/pull/${number}`,
      pull_request: { url: `${url}/repos/${name}/pulls/${number}` },
      user: { login: "openkoi-bot" },
    });
    return { status: 201, json: pullJson(name, issue) };
  };

  const contents = (name: string, path: string, req: RecordedRequest): Reply => {
    const store = repos.get(name);
    if (!store) return notFound();
    const file = store.files.get(path);
    if (file !== undefined) {
      const bytes = Buffer.isBuffer(file) ? file : Buffer.from(file, "utf8");
      // GitHub wraps base64 at 60 columns.
      const content = (bytes.toString("base64").match(/.{1,60}/g) ?? []).join("\n");
      return { json: { type: "file", encoding: "base64", size: bytes.length, name: path.split("/").pop(), path, content, sha: "abc123", _ref: req.query.ref } };
    }
    const prefix = path ? `${path}/` : "";
    const entries = new Map<string, { type: string; name: string; path: string; size: number }>();
    for (const [filePath, data] of store.files) {
      if (!filePath.startsWith(prefix)) continue;
      const [head = "", ...rest] = filePath.slice(prefix.length).split("/");
      entries.set(head, { type: rest.length ? "dir" : "file", name: head, path: prefix + head, size: rest.length ? 0 : data.length });
    }
    return entries.size ? { json: [...entries.values()] } : notFound();
  };

  const fake = await startFake("github", (req) => {
    const failure = failures.shift();
    if (failure) return failure;
    if (req.headers.authorization !== `token ${token}`) {
      return { status: 401, json: { message: "Bad credentials", documentation_url: DOCS, status: "401" } };
    }
    for (const [method, pattern, handle] of routes) {
      const match = req.method === method ? req.path.match(pattern) : null;
      if (match)
        return handle(
          [...match].map((part) => part ?? ""),
          req,
        );
    }
    return notFound();
  });
  url = fake.url;
  return { ...fake, token, repo, addIssue, failNext: (reply) => void failures.push(reply) };
}
