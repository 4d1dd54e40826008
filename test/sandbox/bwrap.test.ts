/** The bubblewrap runner and the git-dir rule on their own, with directories outside /tmp (the sandbox's /tmp is private anyway). */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { bwrapRunner } from "../../src/sandbox/bwrap.js";
import { trustedGitDir } from "../../src/sandbox/index.js";

const dirs: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(join("/var/tmp", "openkoi-bwrap-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const env = { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: "/nonexistent" };

describe("bwrapRunner", () => {
  it("a workspace that contains the hub's home (serve run from $HOME) still hides <openkoi home>", async () => {
    const home = scratch();
    mkdirSync(join(home, ".openkoi", "credentials"), { recursive: true });
    writeFileSync(join(home, ".openkoi", "credentials", "x.key"), "planted-key");
    const run = bwrapRunner({ bwrapPath: "/usr/bin/bwrap", workspace: home, hidden: [home, join(home, ".openkoi")], network: false, env });
    const result = await run("ls -A .openkoi; echo kept > mine.txt; touch /usr/openkoi-probe 2>&1 | sed 's/.*: //'", home);
    expect(result.output).toBe("Read-only file system\n");
    expect(readFileSync(join(home, "mine.txt"), "utf8")).toBe("kept\n");
    expect(existsSync("/usr/openkoi-probe")).toBe(false);
  });
});

describe("trustedGitDir", () => {
  const git = (args: string[], cwd: string) =>
    execFileSync("git", args, { cwd, env: { ...env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" }, encoding: "utf8" });

  it("binds a worktree's clone only when it lies under the hub's clone root", () => {
    const root = scratch();
    const clone = join(root, "workspaces", "acme", "widgets");
    mkdirSync(clone, { recursive: true });
    git(["init", "--quiet", "-b", "main", "."], clone);
    git(["-c", "user.name=t", "-c", "user.email=t@e", "commit", "--quiet", "--allow-empty", "-m", "initial"], clone);
    const worktree = join(root, "workspaces", "acme", "widgets-worktrees", "task-1");
    git(["worktree", "add", "--quiet", worktree], clone);
    expect(trustedGitDir(worktree, join(root, "workspaces"))).toBe(join(clone, ".git"));
    // The agent rewrote `.git` to point at the hub's secrets: not bound.
    const secrets = scratch();
    writeFileSync(join(worktree, ".git"), `gitdir: ${secrets}\n`);
    expect(trustedGitDir(worktree, join(root, "workspaces"))).toBeUndefined();
    // An ordinary repository (`.git` is a directory) needs nothing bound.
    expect(trustedGitDir(clone, join(root, "workspaces"))).toBeUndefined();
  });
});
