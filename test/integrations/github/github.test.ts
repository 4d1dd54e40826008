import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/core/errors.js";
import type { Tool, ToolContext } from "../../../src/core/tool.js";
import type { Integration } from "../../../src/integrations/common.js";
import { createGitHubIntegration } from "../../../src/integrations/github/index.js";
import { type GitHubFake, startGitHubFake } from "../../fakes/github-fake.js";

const context: ToolContext = { workspace: "/tmp", dataDir: "/tmp", signal: new AbortController().signal };

let fake: GitHubFake;
let github: Integration;

function tool(name: string): Tool {
  const found = github.tools.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no tool ${name}`);
  return found;
}

async function call(name: string, input: unknown) {
  return tool(name).run(input, context);
}

beforeAll(async () => {
  fake = await startGitHubFake("ghp_test");
  github = createGitHubIntegration({ token: "ghp_test", api_url: fake.url });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
  fake.repo("acme/widgets");
});

describe("github integration", () => {
  it("exposes namespaced tools classed read or write, and makes no request until a tool runs", () => {
    const classes = Object.fromEntries(github.tools.map((t) => [t.name, t.class]));
    expect(classes).toEqual({
      github_get_issue: "read",
      github_search_issues: "read",
      github_get_pull_request: "read",
      github_comment: "write",
      github_create_issue: "write",
      github_create_pull_request: "write",
      github_read_file: "read",
    });
    createGitHubIntegration({ token: "x", api_url: fake.url });
    expect(fake.requests).toHaveLength(0);
  });

  it("creates an issue, then gets it back with its latest comments", async () => {
    const created = await call("github_create_issue", {
      owner: "acme",
      repo: "widgets",
      title: "Crash on start",
      body: "It crashes.",
      labels: ["bug"],
    });
    expect(created.isError).toBeUndefined();
    const post = fake.requests.at(-1);
    expect(post).toMatchObject({ method: "POST", path: "/repos/acme/widgets/issues" });
    expect(post?.headers.authorization).toBe("token ghp_test");
    expect(post?.body).toEqual({ title: "Crash on start", body: "It crashes.", labels: ["bug"] });
    const number = Number(created.output.match(/#(\d+)/)?.[1]);
    expect(created.output).toBe(`Created acme/widgets#${number} "Crash on start": https://github.example/acme/widgets/issues/${number}`);

    const commented = await call("github_comment", { owner: "acme", repo: "widgets", number, body: "Looking into it" });
    expect(fake.requests.at(-1)).toMatchObject({ method: "POST", path: `/repos/acme/widgets/issues/${number}/comments`, body: { body: "Looking into it" } });
    expect(commented.output).toMatch(new RegExp(`^Commented on acme/widgets#${number}: https://github.example/.*#issuecomment-\\d+$`));

    const got = await call("github_get_issue", { owner: "acme", repo: "widgets", number, include_comments: true });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`).slice(-2)).toEqual([
      `GET /repos/acme/widgets/issues/${number}`,
      `GET /repos/acme/widgets/issues/${number}/comments`,
    ]);
    expect(fake.requests.at(-1)?.query).toMatchObject({ per_page: "10", page: "1" });
    const view = JSON.parse(got.output);
    expect(view).toMatchObject({
      ref: `acme/widgets#${number}`,
      kind: "issue",
      title: "Crash on start",
      state: "open",
      labels: ["bug"],
      comments: 1,
      body: "It crashes.",
      latest_comments: [{ author: "openkoi-bot", body: "Looking into it" }],
    });
    expect(view).not.toHaveProperty("repository_url");
  });

  it("searches issues and pull requests with the query as given", async () => {
    fake.addIssue("acme/widgets", { title: "Search me", number: 50 });
    const result = await call("github_search_issues", { query: "repo:acme/widgets is:open crash", limit: 5 });
    expect(fake.requests.at(-1)).toMatchObject({ method: "GET", path: "/search/issues", query: { q: "repo:acme/widgets is:open crash", per_page: "5" } });
    const view = JSON.parse(result.output);
    expect(view.items).toContainEqual(expect.objectContaining({ ref: "acme/widgets#50", kind: "issue", title: "Search me", state: "open" }));
  });

  it("opens a pull request against the default branch when no base is given, then gets it", async () => {
    const opened = await call("github_create_pull_request", { owner: "acme", repo: "widgets", title: "Fix crash", head: "fix-crash" });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /repos/acme/widgets", "POST /repos/acme/widgets/pulls"]);
    expect(fake.requests.at(-1)?.body).toEqual({ title: "Fix crash", head: "fix-crash", base: "main" });
    const number = Number(opened.output.match(/#(\d+)/)?.[1]);
    expect(opened.output).toBe(`Opened acme/widgets#${number} "Fix crash" (fix-crash → main): https://github.example/acme/widgets/pull/${number}`);

    const got = await call("github_get_pull_request", { owner: "acme", repo: "widgets", number });
    expect(fake.requests.at(-1)).toMatchObject({ method: "GET", path: `/repos/acme/widgets/pulls/${number}` });
    expect(JSON.parse(got.output)).toMatchObject({
      ref: `acme/widgets#${number}`,
      state: "open",
      head: "acme:fix-crash",
      base: "main",
      changes: "3 files, +10 -2",
    });
  });

  it("reports a 422 validation failure with GitHub's own reason", async () => {
    const result = await call("github_create_pull_request", { owner: "acme", repo: "widgets", title: "T", head: "main", base: "main" });
    expect(result).toEqual({
      isError: true,
      output:
        "GitHub said 422 Validation Failed: No commits between main and main for POST /repos/acme/widgets/pulls: check that the head branch is pushed and differs from base",
    });
  });

  it("reads a file base64-decoded and truncated, lists a directory, and refuses binary", async () => {
    const files = fake.repo("acme/widgets").files;
    files.set("README.md", `# Widgets\n${"x".repeat(500)}`);
    files.set("src/index.ts", "export const answer = 42;\n");
    files.set("logo.png", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));

    const text = await call("github_read_file", { owner: "acme", repo: "widgets", path: "src/index.ts", ref: "dev" });
    expect(fake.requests.at(-1)?.query).toMatchObject({ ref: "dev" });
    expect(decodeURIComponent(fake.requests.at(-1)?.path ?? "")).toBe("/repos/acme/widgets/contents/src/index.ts");
    expect(text.output).toBe("acme/widgets/src/index.ts@dev (26 bytes)\n\nexport const answer = 42;\n");

    const long = await call("github_read_file", { owner: "acme", repo: "widgets", path: "README.md", max_chars: 100 });
    expect(long.output).toContain("# Widgets\n");
    expect(long.output).toContain("[truncated: showing 100 of 510 chars; pass a larger max_chars to see more]");

    const dir = await call("github_read_file", { owner: "acme", repo: "widgets", path: "" });
    expect(dir.output).toBe("acme/widgets/ is a directory with 3 entries:\nREADME.md (510 bytes)\nsrc/\nlogo.png (6 bytes)");

    const binary = await call("github_read_file", { owner: "acme", repo: "widgets", path: "logo.png" });
    expect(binary.output).toBe("acme/widgets/logo.png is a binary file (6 bytes); not shown");
  });

  it("reads the wait from an exhausted primary rate limit (403, x-ratelimit-reset)", async () => {
    const reset = Math.floor(Date.now() / 1000) + 120;
    fake.failNext({
      status: 403,
      headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) },
      json: { message: "API rate limit exceeded for user ID 1." },
    });
    const result = await call("github_get_pull_request", { owner: "acme", repo: "widgets", number: 1 });
    expect(result.isError).toBe(true);
    const seconds = Number(result.output.match(/retry after (\d+) s$/)?.[1]);
    expect(seconds).toBeGreaterThan(110);
    expect(seconds).toBeLessThanOrEqual(121);
  });

  it("rejects unknown and missing fields before any request", async () => {
    const extra = await call("github_comment", { owner: "acme", repo: "widgets", number: 1, body: "hi", color: "red" });
    expect(extra.output).toMatch(/^Invalid input for github_comment: input: .*"color"/);
    const missing = await call("github_create_issue", { owner: "acme", repo: "widgets" });
    expect(missing.output).toMatch(/^Invalid input for github_create_issue: title: /);
    expect(fake.requests).toHaveLength(0);
  });

  it("check() calls GET /user and says who it is; it throws an actionable error on failure", async () => {
    await expect(github.check()).resolves.toBe(`GitHub: authenticated as openkoi-bot at ${fake.url}`);
    expect(fake.requests.at(-1)).toMatchObject({ method: "GET", path: "/user" });
    const wrong = createGitHubIntegration({ token: "nope", api_url: fake.url });
    await expect(wrong.check()).rejects.toThrow("GitHub said 401 Bad credentials for GET /user: check integrations.github.token");
  });

  it("says when GitHub cannot be reached", async () => {
    const gone = await startGitHubFake();
    await gone.close();
    const offline = createGitHubIntegration({ token: "t", api_url: gone.url });
    const result = await offline.tools[0]?.run({ owner: "a", repo: "b", number: 1 }, context);
    expect(result?.isError).toBe(true);
    expect(result?.output).toMatch(/^GitHub could not be reached for GET \/repos\/a\/b\/issues\/1 \(.*ECONNREFUSED.*\): check integrations\.github\.api_url/);
  });

  it("rejects an invalid config slice by its config path", () => {
    let caught: unknown;
    try {
      createGitHubIntegration({ api_url: "not a url", extra: 1 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    expect(problems).toContainEqual(expect.stringMatching(/^integrations\.github\.token: /));
    expect(problems).toContainEqual(expect.stringMatching(/^integrations\.github\.api_url: /));
    expect(problems).toContainEqual(expect.stringMatching(/^integrations\.github: .*"extra"/));
  });
});
