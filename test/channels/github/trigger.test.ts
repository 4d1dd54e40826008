/**
 * The GitHub trigger end to end: signed deliveries in; the unmodified @octokit/rest against the fake GitHub API;
 * git against a local bare repository the fake names as clone_url.
 */
import { generateKeyPairSync } from "node:crypto";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { deliver, type GitHubTriggerFake, issueCommentPayload, reviewCommentPayload, startGitHubTriggerFake } from "../../fakes/github-trigger-fake.js";
import { waitFor } from "../../fakes/http.js";
import { tempDir } from "../../helpers/cli.js";
import { type HubHarness, startHubHarness } from "../../helpers/hub-harness.js";
import { loopScript } from "../../helpers/scripted-model.js";

const SECRET = "gh-secret";
let gh: GitHubTriggerFake | undefined;
let harness: HubHarness | undefined;
let dataDir = "";

afterEach(async () => {
  await harness?.close();
  await gh?.close();
  harness = undefined;
  gh = undefined;
});

async function start(extra: Record<string, unknown> = {}, branches?: Record<string, Record<string, string>>) {
  gh = await startGitHubTriggerFake(branches ? { branches } : {});
  dataDir = tempDir("gh-data");
  harness = await startHubHarness({ channels: { github: { webhook_secret: SECRET, token: gh.token, api_url: gh.url, data_dir: dataDir, ...extra } } });
  return { gh, harness, url: `${harness.url}/channels/github/webhook` };
}

/** The agent writes `path` and says `summary`; the judge gives 9/10 everywhere. */
function writes(path: string, content: string, summary: string) {
  return loopScript({
    execute: () => ({ toolCalls: [{ name: "write_file", input: { path, content } }] }),
    judge: (_n, dims) => ({ scores: Object.fromEntries(dims.map((d) => [d, 9])) }),
    summary,
  });
}

const tasks = (h: HubHarness) => h.hub.store.listTasks({ limit: 50 }).tasks;
const BRANCH = "openkoi/12-crash-on-empty-input";

async function comment(url: string, f: GitHubTriggerFake, body: string, more: Partial<Parameters<typeof issueCommentPayload>[0]> = {}, id?: string) {
  const payload = issueCommentPayload({ repo: f.repo, cloneUrl: f.cloneUrl, issue: 12, body, ...more });
  return deliver(url, "issue_comment", payload, { secret: SECRET, ...(id ? { id } : {}) });
}

async function runToEnd(h: HubHarness, count: number) {
  const list = await waitFor(() => (tasks(h).length >= count ? tasks(h) : undefined), 5000, `${count} task(s)`);
  const newest = list.find((t) => !["completed", "failed", "cancelled", "interrupted"].includes(t.status)) ?? list[0];
  return h.settle(newest?.id as string);
}

describe("GitHub trigger — end to end", () => {
  it("works as a GitHub App: installation token for the API and for git, the same branch and PR", async () => {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    gh = await startGitHubTriggerFake({ app: { id: "4242", publicKey, installationId: 77 } });
    dataDir = tempDir("gh-data");
    harness = await startHubHarness({
      channels: { github: { webhook_secret: SECRET, app_id: 4242, private_key: privateKey, api_url: gh.url, data_dir: dataDir } },
    });
    harness.model.respondWith(writes("fix.txt", "handled\n", "Fixed it as an app."));
    await comment(`${harness.url}/channels/github/webhook`, gh, "@openkoi please fix this", { commentId: 950 });
    const done = await runToEnd(harness, 1);
    expect(done.status).toBe("completed");
    const pr = await waitFor(() => gh?.pulls[0], 5000, "the pull request");
    expect(pr.body).toContain("Closes #12");
    // One installation lookup and token, then everything as the installation.
    expect(gh.requests.filter((r) => r.path === `/repos/${gh?.repo}/installation`)).toHaveLength(1);
    expect(gh.requests.filter((r) => r.path === "/app/installations/77/access_tokens")).toHaveLength(1);
    expect(gh.requests.filter((r) => !r.path.includes("installation")).every((r) => r.headers.authorization === `token ${gh?.token}`)).toBe(true);
  });

  it("reacts, tracks progress in one edited comment, pushes the branch and opens one PR; a second comment updates the same PR", async () => {
    const { gh, harness, url } = await start();
    harness.model.respondWith(writes("fix.txt", "handled empty input\n", "Fixed the crash by handling empty input."));
    const first = await comment(url, gh, "@openkoi please fix this", { commentId: 901 });
    expect(first.status).toBe(202);
    const done = await runToEnd(harness, 1);
    expect(done.status).toBe("completed");

    const pr = await waitFor(() => gh.pulls[0], 5000, "the pull request");
    expect(pr).toMatchObject({ head: BRANCH, base: "main", title: "Crash on empty input (#12)" });
    expect(pr.body).toContain("Closes #12");
    expect(pr.body).toContain("Fixed the crash by handling empty input.");
    expect(pr.body).toMatch(/Overall 0\.90/);
    // The hub records where the work ended up, for digests.
    await waitFor(() => harness.hub.store.kvGet(`link:${done.id}:pull_request`) === pr.html_url, 5000, "the recorded PR link");

    expect(gh.calls("POST", /\/issues\/comments\/901\/reactions$/).map((r) => r.body)).toEqual([{ content: "eyes" }]);
    const posts = gh.history.filter((h) => h.kind === "post");
    expect(posts).toHaveLength(1);
    const tracking = posts[0];
    expect(tracking?.issue).toBe(12);
    const final = await waitFor(
      () => {
        const body = gh.comments.get(tracking?.id as number)?.body ?? "";
        return body.includes(pr.html_url) && body.includes("Fixed the crash") ? body : undefined;
      },
      5000,
      "the tracking comment's final state with the PR link",
    );
    expect(final).toMatch(/^<!-- openkoi -->\n### ✅ Done/);
    expect(final).toContain("| **Score** | 0.90 |");
    expect(gh.history.filter((h) => h.kind === "edit" && h.id === tracking?.id).length).toBeGreaterThanOrEqual(1);

    // The branch really is on the remote, with the agent's file in openkoi's commit on top of main.
    expect(gh.git("show", `${BRANCH}:fix.txt`)).toBe("handled empty input\n");
    expect(gh.git("log", "--format=%an|%s", `main..${BRANCH}`).trim()).toBe("openkoi|Crash on empty input (#12)");
    expect(readdirSync(join(dataDir, "workspaces", "acme", "widgets-worktrees"))).toEqual([]);

    // The agent saw the issue and the request as marked, untrusted input.
    const prompt = JSON.stringify(harness.model.chats());
    expect(prompt).toContain('<untrusted-request author=\\"alice\\">\\nplease fix this');
    expect(prompt).toContain('<untrusted-issue number=\\"12\\"');

    harness.model.respondWith(writes("null.txt", "handled null\n", "Also handled null."));
    await comment(url, gh, "@openkoi also handle null, please", { commentId: 902 });
    expect((await runToEnd(harness, 2)).status).toBe("completed");
    await waitFor(() => gh?.calls("PATCH", /\/pulls\/100$/).length, 5000, "the PR update");
    expect(gh.calls("POST", /\/pulls$/)).toHaveLength(1);
    expect(gh.pulls).toHaveLength(1);
    expect(gh.pulls[0]?.body).toContain("Also handled null.");
    expect(gh.git("log", "--format=%s", `main..${BRANCH}`).trim().split("\n")).toHaveLength(2);
    expect(gh.git("show", `${BRANCH}:fix.txt`)).toBe("handled empty input\n");
    expect(gh.git("show", `${BRANCH}:null.txt`)).toBe("handled null\n");
    expect(gh.git("for-each-ref", "--format=%(refname:short)", "refs/heads/openkoi/").trim()).toBe(BRANCH);
  });

  it("continues the issue's session from a comment on openkoi's PR and from a review comment on its branch", async () => {
    const { gh, harness, url } = await start();
    harness.model.respondWith(writes("fix.txt", "v1\n", "First pass."));
    await comment(url, gh, "@openkoi fix it");
    await runToEnd(harness, 1);
    const pr = await waitFor(() => gh.pulls[0], 5000, "the pull request");

    harness.model.respondWith(writes("fix.txt", "v2\n", "Second pass."));
    const onPr = issueCommentPayload({
      repo: gh.repo,
      cloneUrl: gh.cloneUrl,
      issue: pr.number,
      pullRequest: true,
      title: pr.title,
      issueBody: pr.body,
      body: "@openkoi use v2",
    });
    await deliver(url, "issue_comment", onPr, { secret: SECRET });
    const second = await runToEnd(harness, 2);
    expect(second.request.origin.thread?.thread).toBe("12");
    await waitFor(() => gh?.calls("PATCH", /\/pulls\/100$/).length === 1, 5000, "the PR update");
    expect(gh.history.find((h) => h.kind === "post" && h.issue === pr.number)).toBeDefined();
    expect(gh.git("show", `${BRANCH}:fix.txt`)).toBe("v2\n");

    harness.model.respondWith(writes("fix.txt", "v3\n", "Third pass."));
    const review = reviewCommentPayload({
      repo: gh.repo,
      cloneUrl: gh.cloneUrl,
      number: pr.number,
      headRef: BRANCH,
      body: "@openkoi make it v3",
      commentId: 4242,
    });
    await deliver(url, "pull_request_review_comment", review, { secret: SECRET });
    expect((await runToEnd(harness, 3)).request.origin.thread?.thread).toBe("12");
    await waitFor(() => gh?.calls("PATCH", /\/pulls\/100$/).length === 2, 5000, "the second PR update");
    expect(gh.calls("POST", /\/pulls\/comments\/4242\/reactions$/)).toHaveLength(1);
    expect(gh.git("log", "--format=%s", `main..${BRANCH}`).trim().split("\n")).toHaveLength(3);
    expect(gh.pulls).toHaveLength(1);
  });

  it("answers a forged signature with 401 and runs nothing", async () => {
    const { gh, harness, url } = await start();
    const payload = issueCommentPayload({ repo: gh.repo, cloneUrl: gh.cloneUrl, issue: 12, body: "@openkoi rm -rf" });
    const forged = await deliver(url, "issue_comment", payload, { secret: "wrong" });
    expect(forged.status).toBe(401);
    const unsigned = await fetch(url, {
      method: "POST",
      headers: { "x-github-event": "issue_comment", "x-github-delivery": "d-1" },
      body: JSON.stringify(payload),
    });
    expect(unsigned.status).toBe(401);
    expect(tasks(harness)).toHaveLength(0);
    expect(gh.requests).toHaveLength(0);
  });

  it("runs a replayed X-GitHub-Delivery once", async () => {
    const { gh, harness, url } = await start();
    const a = await comment(url, gh, "@openkoi count the files", {}, "delivery-1");
    const b = await comment(url, gh, "@openkoi count the files", {}, "delivery-1");
    expect([a.status, b.status]).toEqual([202, 200]);
    expect(b.json.outcome).toBe("duplicate");
    await runToEnd(harness, 1);
    expect(tasks(harness)).toHaveLength(1);
  });

  it("ignores bots, outsiders, comments without the trigger, quoted triggers and openkoi's own comments", async () => {
    const { gh, harness, url } = await start();
    const cases: Array<[string, Partial<Parameters<typeof issueCommentPayload>[0]>]> = [
      ["@openkoi fix", { login: "dependabot[bot]", senderType: "Bot" }],
      ["@openkoi fix", { login: "stranger", association: "NONE" }],
      ["thanks, looks good", {}],
      ["> @openkoi fix\n\nI agree with the above", {}],
      ["<!-- openkoi -->\nReply `@openkoi stop` to stop.", {}],
    ];
    for (const [body, more] of cases) {
      const res = await comment(url, gh, body, more);
      expect(res.status).toBe(200);
      expect(res.json.ignored).toEqual(expect.any(String));
    }
    expect(tasks(harness)).toHaveLength(0);
    expect(gh.requests).toHaveLength(0);
    expect((await deliver(url, "ping", { zen: "Keep it logically awesome." }, { secret: SECRET })).status).toBe(200);
  });

  it("does not let a read-only collaborator stop someone else's task", async () => {
    const { gh, harness, url } = await start();
    gh.setPermission("rita", "read");
    harness.hold();
    await comment(url, gh, "@openkoi refactor");
    const task = await waitFor(() => tasks(harness).find((t) => t.status === "running"), 5000, "the task to run");
    await comment(url, gh, "@openkoi stop", { login: "rita", association: "COLLABORATOR" });
    await waitFor(() => gh?.calls("GET", /\/collaborators\/rita\/permission$/).length, 5000, "rita's permission check");
    harness.release();
    expect((await harness.settle(task.id)).status).toBe("completed");
  });

  it("starts a task when an issue gets the configured label", async () => {
    const { gh, harness, url } = await start({ label: "openkoi" });
    const base = issueCommentPayload({ repo: gh.repo, cloneUrl: gh.cloneUrl, issue: 12, body: "" });
    const labeled = { action: "labeled", issue: base.issue, label: { name: "openkoi" }, repository: base.repository, sender: base.sender };
    expect((await deliver(url, "issues", labeled, { secret: SECRET })).status).toBe(202);
    expect((await deliver(url, "issues", { ...labeled, label: { name: "bug" } }, { secret: SECRET })).status).toBe(200);
    await runToEnd(harness, 1);
    expect(tasks(harness)).toHaveLength(1);
    expect(gh.calls("POST", /\/issues\/12\/reactions$/)).toHaveLength(1);
  });

  it("pushes to a collaborator's own PR branch (no new PR) and refuses PRs from forks", async () => {
    const { gh, harness, url } = await start({}, { "feature-x": { "lib.txt": "old\n" } });
    gh.pulls.push({
      number: 7,
      head: "feature-x",
      base: "main",
      title: "Add lib",
      body: "mine",
      state: "open",
      html_url: "https://github.example/acme/widgets/pull/7",
    });
    harness.model.respondWith(writes("lib.txt", "new\n", "Updated lib."));
    await comment(url, gh, "@openkoi fix the lint here", { issue: 7, pullRequest: true, title: "Add lib", issueBody: "mine" });
    expect((await runToEnd(harness, 1)).status).toBe("completed");
    await waitFor(() => gh?.history.find((h) => h.kind === "edit" && h.body.includes("**Pushed** to `feature-x`")), 5000, "the pushed note");
    expect(gh.git("show", "feature-x:lib.txt")).toBe("new\n");
    expect(gh.calls("POST", /\/pulls$/)).toHaveLength(0);
    expect(gh.calls("PATCH", /\/pulls\/7$/)).toHaveLength(0);

    const fork = reviewCommentPayload({ repo: gh.repo, cloneUrl: gh.cloneUrl, number: 8, headRef: "patch-1", body: "@openkoi fix" });
    fork.pull_request.head.repo.full_name = "mallory/widgets";
    await deliver(url, "pull_request_review_comment", fork, { secret: SECRET });
    const refused = await runToEnd(harness, 2);
    expect(refused.status).toBe("failed");
    expect(harness.hub.store.events(refused.id).at(-1)).toMatchObject({ type: "task.failed", code: "UNSUPPORTED" });
  });
});
