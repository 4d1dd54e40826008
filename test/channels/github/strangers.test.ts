/**
 * Outside users cannot make the bot talk: the permission check comes before any reaction, comment, task row or clone,
 * and `untrusted = "explain"` answers once per user, issue and day. The unmodified @octokit/rest against the fake.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { deliver, type GitHubTriggerFake, issueCommentPayload, startGitHubTriggerFake } from "../../fakes/github-trigger-fake.js";
import { waitFor } from "../../fakes/http.js";
import { tempDir } from "../../helpers/cli.js";
import { type HubHarness, startHubHarness } from "../../helpers/hub-harness.js";

const SECRET = "gh-secret";
const DAY_MS = 24 * 3600_000;
let gh: GitHubTriggerFake | undefined;
let harness: HubHarness | undefined;
let dataDir = "";
/** The hub's clock: real time moved forward by whole days when a test says so. */
let offsetMs = 0;
const clock = () => Date.now() + offsetMs;

afterEach(async () => {
  await harness?.close();
  await gh?.close();
  harness = undefined;
  gh = undefined;
  offsetMs = 0;
});

async function startHub(f: GitHubTriggerFake, extra: Record<string, unknown> = {}, env: Record<string, string> = {}) {
  harness = await startHubHarness({ channels: { github: { webhook_secret: SECRET, token: f.token, api_url: f.url, data_dir: dataDir, ...extra } } }, env, {
    now: clock,
  });
  return harness;
}

async function start(extra: Record<string, unknown> = {}) {
  gh = await startGitHubTriggerFake();
  dataDir = tempDir("gh-data");
  const h = await startHub(gh, extra);
  return { gh, harness: h, url: `${h.url}/channels/github/webhook` };
}

const tasks = (h: HubHarness) => h.hub.store.listTasks({ limit: 50 }).tasks;
const seen = (f: GitHubTriggerFake) => f.requests.map((r) => `${r.method} ${r.path}`);
const permissionOf = (login: string) => `GET /repos/acme/widgets/collaborators/${login}/permission`;

async function comment(url: string, f: GitHubTriggerFake, body: string, more: Partial<Parameters<typeof issueCommentPayload>[0]> = {}, id?: string) {
  const payload = issueCommentPayload({ repo: f.repo, cloneUrl: f.cloneUrl, issue: 12, body, ...more });
  return deliver(url, "issue_comment", payload, { secret: SECRET, ...(id ? { id } : {}) });
}

describe("GitHub — strangers cannot make the bot talk", () => {
  it("a read-only commenter's mention costs one permission check and nothing else: no reaction, comment, task, clone or model call", async () => {
    const { gh, harness, url } = await start();
    gh.setPermission("rita", "read");
    const res = await comment(url, gh, "@openkoi please fix this", { login: "rita", association: "COLLABORATOR" });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ok: true, ignored: "rita has read permission on acme/widgets", explained: false });
    expect(seen(gh)).toEqual([permissionOf("rita")]);
    expect(tasks(harness)).toHaveLength(0);
    expect(harness.model.chats()).toHaveLength(0);
    expect(existsSync(join(dataDir, "workspaces"))).toBe(false);
  });

  it("the same for the label trigger and for a stop comment by a read-only user", async () => {
    const { gh, harness, url } = await start({ label: "openkoi" });
    gh.setPermission("rita", "triage");
    const base = issueCommentPayload({ repo: gh.repo, cloneUrl: gh.cloneUrl, issue: 12, body: "", login: "rita" });
    const labeled = { action: "labeled", issue: base.issue, label: { name: "openkoi" }, repository: base.repository, sender: base.sender };
    expect((await deliver(url, "issues", labeled, { secret: SECRET })).json).toMatchObject({ ignored: "rita has triage permission on acme/widgets" });
    expect((await comment(url, gh, "@openkoi stop", { login: "rita" })).json).toMatchObject({ ignored: "rita has triage permission on acme/widgets" });
    expect(seen(gh)).toEqual([permissionOf("rita"), permissionOf("rita")]);
    expect(tasks(harness)).toHaveLength(0);
  });

  it("a collaborator with write is checked first, then gets the 👀, the tracking comment and the task", async () => {
    const { gh, harness, url } = await start();
    const res = await comment(url, gh, "@openkoi please fix this", { commentId: 901 });
    expect(res.status).toBe(202);
    const [task] = await waitFor(() => (tasks(harness).length ? tasks(harness) : undefined), 5000, "the task");
    await harness.settle(task?.id as string);
    await waitFor(() => gh.history.find((h) => h.kind === "post" && h.issue === 12), 5000, "the tracking comment");
    await waitFor(() => gh.calls("POST", /\/issues\/comments\/901\/reactions$/).length, 5000, "the reaction");
    expect(seen(gh)[0]).toBe(permissionOf("alice"));
    expect(gh.calls("POST", /\/issues\/comments\/901\/reactions$/).map((r) => r.body)).toEqual([{ content: "eyes" }]);
    expect(gh.history.filter((h) => h.kind === "post")).toHaveLength(1);
    expect(tasks(harness)).toHaveLength(1);
  });

  it("permission API down: 503, nothing visible, nothing claimed, so the redelivery runs once GitHub answers", async () => {
    const { gh, harness, url } = await start();
    gh.failPermission(502);
    const down = await comment(url, gh, "@openkoi please fix this", {}, "delivery-7");
    expect(down.status).toBe(503);
    expect(down.json).toMatchObject({ error: { code: "UPSTREAM" } });
    expect(seen(gh)).toEqual([permissionOf("alice")]);
    expect(tasks(harness)).toHaveLength(0);
    gh.failPermission(undefined);
    const again = await comment(url, gh, "@openkoi please fix this", {}, "delivery-7");
    expect(again.status).toBe(202);
    const [task] = await waitFor(() => (tasks(harness).length ? tasks(harness) : undefined), 5000, "the task");
    await harness.settle(task?.id as string);
  });

  it('untrusted = "explain": one reply per user per issue per day, kept across a restart; a new day allows one more', async () => {
    const { gh, url } = await start({ untrusted: "explain" });
    gh.setPermission("rita", "read");
    const rita = { login: "rita", association: "COLLABORATOR" };
    const explained = async (more: Partial<Parameters<typeof issueCommentPayload>[0]>) => (await comment(url, gh, "@openkoi fix it", more)).json.explained;
    expect(await explained(rita)).toBe(true);
    expect(await explained(rita)).toBe(false);
    // An outsider (no API call needed to know) and another issue get their own one reply.
    expect(await explained({ login: "stranger", association: "NONE" })).toBe(true);
    expect(await explained({ ...rita, issue: 13 })).toBe(true);
    const posts = () => gh.history.filter((h) => h.kind === "post");
    await waitFor(() => posts().length === 3, 5000, "three explanations");
    expect(
      posts()
        .map((p) => `${p.issue} ${p.body.split("\n")[1]?.split(":")[0]}`)
        .sort(),
    ).toEqual(["12 rita", "12 stranger", "13 rita"]);
    expect(posts().find((p) => p.body.includes("rita:"))?.body).toBe(
      "<!-- openkoi -->\nrita: openkoi takes requests on acme/widgets only from collaborators with write permission or more, so this was not run. (openkoi says this once a day.)",
    );

    // A restart on the same data remembers today's reply.
    const home = harness?.home as string;
    await harness?.close();
    const restarted = await startHub(gh, { untrusted: "explain" }, { OPENKOI_HOME: home });
    const url2 = `${restarted.url}/channels/github/webhook`;
    expect((await comment(url2, gh, "@openkoi fix it", rita)).json.explained).toBe(false);
    offsetMs = DAY_MS;
    expect((await comment(url2, gh, "@openkoi fix it", rita)).json.explained).toBe(true);
    expect((await comment(url2, gh, "@openkoi fix it", rita)).json.explained).toBe(false);
    await waitFor(() => posts().length === 4, 5000, "the next day's explanation");
    expect(gh.calls("POST", /\/reactions$/)).toHaveLength(0);
    expect(tasks(restarted)).toHaveLength(0);
  });

  it("still refuses at run time when the permission was revoked while the task was queued", async () => {
    const { gh, harness, url } = await start();
    harness.hold();
    await comment(url, gh, "@openkoi refactor");
    await waitFor(() => tasks(harness).find((t) => t.status === "running"), 5000, "the first task to run");
    gh.setPermission("rita", "write");
    expect((await comment(url, gh, "@openkoi and rename it", { login: "rita" })).status).toBe(202);
    gh.setPermission("rita", "read");
    harness.release();
    const queued = await waitFor(() => tasks(harness).find((t) => t.request.origin.user === "rita"), 5000, "rita's task");
    const done = await harness.settle(queued.id);
    expect(done.status).toBe("failed");
    expect(harness.hub.store.events(done.id).at(-1)).toMatchObject({ type: "task.failed", code: "FORBIDDEN" });
  });
});
