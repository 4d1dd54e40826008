import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { OpenKoiError } from "../../core/errors.js";
import type { TaskEventBody } from "../../core/events.js";
import type { TaskRequest, ThreadRef } from "../../core/task.js";
import type { TaskLinks } from "../types.js";
import type { GitHubThreadApi } from "./api.js";
import type { GitHubAuth } from "./auth.js";
import { type GitHubChannelConfig, permissionRank } from "./config.js";
import { createRepoLocks, type GitOptions, git } from "./git.js";
import { BRANCH_PREFIX } from "./parse.js";
import { commitMessage, pullBody, pullTitle, slugOf } from "./pull-request.js";
import { type Client, permissionOf, pullHead, upsertPull } from "./rest.js";

/** What `prepare` decided, carried to `finish` in the request's metadata (plain data, survives a restart). */
const metaSchema = z.object({
  repo: z.string(),
  issue: z.number(),
  mode: z.enum(["issue", "pull"]),
  branch: z.string(),
  base: z.string(),
  title: z.string(),
  repoDir: z.string(),
  worktree: z.string(),
  gitDir: z.string(),
});
export type SessionMeta = z.infer<typeof metaSchema>;

export interface SessionDeps {
  config: GitHubChannelConfig;
  client: Client;
  auth: GitHubAuth;
  api: GitHubThreadApi;
}

const SAFE_NAME = /^(?!\.{1,2}$)[\w.-]+$/;

function threadOf(request: TaskRequest): ThreadRef & { extra: Record<string, string> } {
  const thread = request.origin.thread;
  if (!thread?.extra?.clone_url || !thread.extra.default_branch || !thread.thread) {
    throw new OpenKoiError("BAD_REQUEST", "This GitHub task has no repository reference (clone URL, default branch, issue); re-trigger it from the issue.");
  }
  return thread as ThreadRef & { extra: Record<string, string> };
}

/** The session's existing branch (remote first, then local), or a new `openkoi/<N>-<slug>`. */
async function issueBranch(repoDir: string, issue: number, title: string): Promise<{ branch: string; start: string; track: boolean }> {
  const { stdout } = await git(["for-each-ref", "--format=%(refname)", `refs/remotes/origin/${BRANCH_PREFIX}`, `refs/heads/${BRANCH_PREFIX}`], {
    gitDir: repoDir,
  });
  const refs = stdout.split("\n").filter(Boolean);
  const prefix = `${BRANCH_PREFIX}${issue}-`;
  const remote = refs.map((r) => r.replace(/^refs\/remotes\/origin\//, "")).find((r) => r.startsWith(prefix) && !r.startsWith("refs/"));
  if (remote) return { branch: remote, start: `refs/remotes/origin/${remote}`, track: true };
  const local = refs.map((r) => r.replace(/^refs\/heads\//, "")).find((r) => r.startsWith(prefix) && !r.startsWith("refs/"));
  if (local) return { branch: local, start: `refs/heads/${local}`, track: true };
  return { branch: `${prefix}${slugOf(title)}`, start: "", track: false };
}

export function createSession(deps: SessionDeps) {
  const { config, client, api, auth } = deps;
  const lock = createRepoLocks();
  const identity = { name: config.git_author_name, email: config.git_author_email };

  async function checkPermission(repo: string, user: string | undefined): Promise<void> {
    const role = user ? await permissionOf(client, repo, user) : "none";
    if (permissionRank(role) >= permissionRank(config.min_permission)) return;
    throw new OpenKoiError(
      "FORBIDDEN",
      `${user ?? "This user"} has ${role} permission on ${repo}; openkoi runs only for collaborators with ${config.min_permission} permission or more (channels.github.min_permission). Nothing was run.`,
    );
  }

  async function syncClone(repoDir: string, url: string, repo: string): Promise<void> {
    const remote: GitOptions = { gitDir: repoDir };
    if (!existsSync(join(repoDir, "HEAD"))) {
      rmSync(repoDir, { recursive: true, force: true });
      mkdirSync(repoDir, { recursive: true, mode: 0o700 });
      await git(["init", "--bare", "--quiet", repoDir]);
      await git(["remote", "add", "origin", url], remote);
    } else await git(["remote", "set-url", "origin", url], remote);
    await git(["fetch", "--prune", "--quiet", "origin"], { ...remote, token: await auth.tokenFor(repo) });
  }

  async function chooseBranch(thread: ThreadRef & { extra: Record<string, string> }, repoDir: string, issue: number) {
    const isOtherPull = thread.extra.pr === "1" && thread.extra.reply_to === thread.thread && !thread.extra.head_ref?.startsWith(BRANCH_PREFIX);
    if (!isOtherPull) return { mode: "issue" as const, ...(await issueBranch(repoDir, issue, thread.extra.title ?? "")) };
    const head = thread.extra.head_ref ? { ref: thread.extra.head_ref, repo: thread.extra.head_repo } : await pullHead(client, thread.conversation, issue);
    if (head.repo !== thread.conversation) {
      throw new OpenKoiError(
        "UNSUPPORTED",
        `Pull request #${issue} comes from a fork (${head.repo ?? "deleted"}); openkoi can only push to branches of ${thread.conversation}.`,
      );
    }
    return { mode: "pull" as const, branch: head.ref, start: `refs/remotes/origin/${head.ref}`, track: true };
  }

  async function addWorktree(repoDir: string, worktree: string, branch: string, start: string): Promise<void> {
    await removeWorktree(repoDir, worktree);
    mkdirSync(join(worktree, ".."), { recursive: true, mode: 0o700 });
    await git(["worktree", "add", "--quiet", "--force", "--no-track", "-B", branch, worktree, start], { gitDir: repoDir });
  }

  async function removeWorktree(repoDir: string, worktree: string): Promise<void> {
    if (existsSync(worktree)) await git(["worktree", "remove", "--force", worktree], { gitDir: repoDir, okCodes: [128] });
    rmSync(worktree, { recursive: true, force: true });
    await git(["worktree", "prune"], { gitDir: repoDir, okCodes: [128] });
  }

  /**
   * Refuses commenters below `min_permission`; clones/fetches; checks out the session's branch in a worktree of its own.
   * A Stop meanwhile is left to the agent, which ends at once as cancelled (killing git here would report a failure).
   */
  async function prepare(request: TaskRequest): Promise<TaskRequest> {
    const thread = threadOf(request);
    await checkPermission(thread.conversation, request.origin.user);
    const [owner = "", name = ""] = thread.conversation.split("/");
    if (!SAFE_NAME.test(owner) || !SAFE_NAME.test(name)) throw new OpenKoiError("BAD_REQUEST", `Unexpected repository name ${thread.conversation}.`);
    const repoDir = join(config.dataDir, "workspaces", owner, name);
    const worktree = join(config.dataDir, "workspaces", owner, `${name}-worktrees`, request.id);
    const issue = Number(thread.thread);
    const base = thread.extra.default_branch ?? "main";
    const chosen = await lock(repoDir, async () => {
      await syncClone(repoDir, thread.extra.clone_url ?? "", thread.conversation);
      const pick = await chooseBranch(thread, repoDir, issue);
      await addWorktree(repoDir, worktree, pick.branch, pick.track ? pick.start : `refs/remotes/origin/${base}`);
      return pick;
    });
    try {
      // Read before the agent runs: afterwards the work tree (and its `.git` file) is untrusted.
      const { stdout } = await git(["rev-parse", "--absolute-git-dir"], { cwd: worktree });
      const meta: SessionMeta = {
        repo: thread.conversation,
        issue,
        mode: chosen.mode,
        branch: chosen.branch,
        base,
        title: thread.extra.title ?? "",
        repoDir,
        worktree,
        gitDir: stdout.trim(),
      };
      return { ...request, workspace: worktree, metadata: { ...request.metadata, github: meta } };
    } catch (error) {
      await lock(repoDir, () => removeWorktree(repoDir, worktree));
      throw error;
    }
  }

  /** Commits what the agent changed; true when there was something to commit. */
  async function commit(meta: SessionMeta, message: string): Promise<boolean> {
    const tree: GitOptions = { gitDir: meta.gitDir, workTree: meta.worktree, identity };
    await git(["add", "--all", "."], { ...tree, cwd: meta.worktree });
    const diff = await git(["diff", "--cached", "--quiet"], { ...tree, okCodes: [1] });
    if (diff.code === 0) return false;
    await git(["commit", "--quiet", "--no-verify", "-m", message], tree);
    return true;
  }

  /** Returns the pull request's URL when one was opened or updated. */
  async function publish(request: TaskRequest, meta: SessionMeta, outcome: Extract<TaskEventBody, { type: "task.completed" }>): Promise<string | undefined> {
    const user = request.origin.user;
    if (!(await commit(meta, commitMessage(meta.title, meta.issue, request.id, user)))) return undefined;
    const token = await auth.tokenFor(meta.repo);
    await lock(meta.repoDir, () => git(["push", "--quiet", "origin", `HEAD:refs/heads/${meta.branch}`], { gitDir: meta.gitDir, token }));
    let footer = `**Pushed** to \`${meta.branch}\`.`;
    let url: string | undefined;
    if (meta.mode === "issue") {
      const body = pullBody(meta.issue, outcome, user);
      const pr = await upsertPull(client, meta.repo, { branch: meta.branch, base: meta.base, title: pullTitle(meta.title, meta.issue), body });
      footer = `**Pull request:** ${pr.url} (${pr.created ? "opened" : "updated"}) · branch \`${meta.branch}\``;
      url = pr.url;
    }
    if (!(await api.attachFooter(request.id, footer)) && request.origin.thread) await api.postText(request.origin.thread, footer);
    return url;
  }

  /** After the agent: on success commit, push and open/update the PR; always remove the worktree. */
  async function finish(request: TaskRequest, outcome: TaskEventBody): Promise<TaskLinks | undefined> {
    const parsed = metaSchema.safeParse(request.metadata?.github);
    if (!parsed.success) return undefined;
    const meta = parsed.data;
    try {
      const url = outcome.type === "task.completed" ? await publish(request, meta, outcome) : undefined;
      return url ? { pull_request: url } : undefined;
    } finally {
      await lock(meta.repoDir, () => removeWorktree(meta.repoDir, meta.worktree));
    }
  }

  return { prepare, finish };
}
