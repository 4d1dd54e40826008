/**
 * Where shell commands run (the `run_command` tool and the project checks), by `[shell] sandbox` and the task's origin:
 * hub tasks in bubblewrap when it works here, else no shell at all; the CLI on the host unless `sandbox = "bwrap"`.
 */
import { readFileSync, realpathSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { RunCommand } from "../core/command.js";
import type { OriginKind } from "../core/task.js";
import { bwrapRunner, isInside } from "./bwrap.js";
import { type Availability, bwrapAvailability } from "./probe.js";
import { directRunner } from "./process.js";

export { sanitizedEnv } from "./process.js";

export type SandboxMode = "auto" | "bwrap" | "off";

export type ShellDecision = { kind: "sandboxed"; bwrapPath: string } | { kind: "direct"; note?: string } | { kind: "refused"; reason: string };

export interface SandboxOptions {
  mode: SandboxMode;
  bwrapPath?: string;
  /** What commands must never see: $HOME, <openkoi home>, <data>, the config file. */
  hidden: string[];
  /** The only place a bound git dir may come from: the hub's own clones (`<data>/workspaces`). */
  cloneRoot: string;
  /** The sanitised environment commands get (no secrets). */
  env: Record<string, string>;
  /** PATH to look for bwrap on. */
  searchPath?: string;
}

export interface TaskShell {
  workspace: string;
  network: boolean;
}

export interface Sandbox {
  availability(): Promise<Availability>;
  decide(origin: OriginKind): Promise<ShellDecision>;
  /** The runner for one task; call before the agent starts (it reads the workspace's `.git` while still trusted). */
  runner(decision: ShellDecision, task: TaskShell): RunCommand | undefined;
  /** One line for `openkoi doctor`. */
  describe(): Promise<{ ok: boolean; detail: string; fix?: string }>;
}

const FIX = 'apt install bubblewrap, or set [shell] sandbox = "off" in config.toml';
export const CLI_UNSANDBOXED = 'shell commands run unsandboxed on this machine (set [shell] sandbox = "bwrap" to sandbox them)';

/**
 * A GitHub worktree's `.git` file points into its clone under `<data>/workspaces`, which the sandbox hides.
 * The clone's git dir (no credentials: the token travels in the hub's git environment only) is bound read-only
 * so `git status`/`diff`/`log` work while hooks and config stay out of the agent's reach. Only a git dir under
 * `cloneRoot` qualifies: the agent can rewrite `.git` between tasks, and must not point it at the hub's secrets.
 */
export function trustedGitDir(workspace: string, cloneRoot: string): string | undefined {
  try {
    const dotGit = join(workspace, ".git");
    if (!statSync(dotGit).isFile()) return undefined;
    const pointer = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, "utf8"))?.[1]?.trim();
    if (!pointer) return undefined;
    const own = realpathSync(resolve(workspace, pointer));
    let common = own;
    try {
      common = realpathSync(resolve(own, readFileSync(join(own, "commondir"), "utf8").trim()));
    } catch {
      // No commondir: a plain separate git dir.
    }
    const root = realpathSync(cloneRoot);
    return isInside(common, root) && common !== root ? common : undefined;
  } catch {
    return undefined;
  }
}

export function createSandbox(options: SandboxOptions): Sandbox {
  const availability = () => bwrapAvailability(options.bwrapPath, options.searchPath);
  return {
    availability,
    async decide(origin) {
      if (options.mode === "off") return { kind: "direct" };
      if (origin === "cli" && options.mode === "auto") return { kind: "direct", note: CLI_UNSANDBOXED };
      const found = await availability();
      if (found.ok) return { kind: "sandboxed", bwrapPath: found.bwrapPath };
      return { kind: "refused", reason: `no sandbox for shell commands (${found.error}): run_command and the project checks are off for this task; ${FIX}` };
    },
    runner(decision, task) {
      if (decision.kind === "refused") return undefined;
      if (decision.kind === "direct") return directRunner(options.env);
      const gitDir = trustedGitDir(task.workspace, options.cloneRoot);
      return bwrapRunner({ bwrapPath: decision.bwrapPath, workspace: task.workspace, hidden: options.hidden, network: task.network, gitDir, env: options.env });
    },
    async describe() {
      if (options.mode === "off") return { ok: true, detail: 'off — shell commands run unsandboxed for every task ([shell] sandbox = "off")' };
      const found = await availability();
      const cli = options.mode === "bwrap" ? "CLI tasks too" : "CLI tasks run unsandboxed";
      if (found.ok) return { ok: true, detail: `${found.version} — shell from chat, GitHub and API tasks runs sandboxed; ${cli}` };
      if (options.mode === "bwrap") return { ok: false, detail: `${found.error} — [shell] sandbox = "bwrap" requires it`, fix: FIX };
      return { ok: true, detail: `${found.error} — shell is refused for chat, GitHub and API tasks (fix: ${FIX})` };
    },
  };
}
