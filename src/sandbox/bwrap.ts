/** Shell commands inside bubblewrap: the hub's process, home and data are invisible, the workspace read-write. */
import { existsSync, statSync } from "node:fs";
import { relative, sep } from "node:path";
import type { RunCommand } from "../core/command.js";
import { runProcess, SHELL } from "./process.js";

export interface BwrapSpec {
  bwrapPath: string;
  /** Bound read-write at its own path. */
  workspace: string;
  /** Directories (and files) the command must not see: $HOME, <openkoi home>, <data>, the config file. */
  hidden: string[];
  network: boolean;
  /** A clone's git directory outside the workspace (GitHub worktrees), bound read-only so git can read history. */
  gitDir?: string;
  /** The command's environment, passed with --setenv: bwrap itself gets none (it is /proc/1 inside). */
  env: Record<string, string>;
}

export function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !rel.startsWith(sep));
}

function hide(path: string): string[] {
  if (!existsSync(path)) return [];
  // A file cannot carry a tmpfs: an empty /dev/null takes its place.
  return statSync(path).isDirectory() ? ["--tmpfs", path] : ["--ro-bind", "/dev/null", path];
}

/** The bwrap arguments, in mount order: hide first, then bind the workspace, then hide again what lies inside it. */
export function bwrapArgs(spec: BwrapSpec, cwd: string, command: string): string[] {
  const args = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"];
  args.push("--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent", "--new-session");
  if (!spec.network) args.push("--unshare-net");
  for (const path of spec.hidden) args.push(...hide(path));
  args.push("--bind", spec.workspace, spec.workspace);
  // A workspace that contains the home or data directory (e.g. the hub run from $HOME) must not re-expose them.
  for (const path of spec.hidden) if (path !== spec.workspace && isInside(path, spec.workspace)) args.push(...hide(path));
  if (spec.gitDir && !isInside(spec.gitDir, spec.workspace)) args.push("--ro-bind", spec.gitDir, spec.gitDir);
  for (const [key, value] of Object.entries(spec.env)) args.push("--setenv", key, value);
  args.push("--chdir", cwd, SHELL, "-c", command);
  return args;
}

/** A runner for one task: every command in a fresh sandbox; killing bwrap's group tears down its PID namespace. */
export function bwrapRunner(spec: BwrapSpec): RunCommand {
  const env = { ...spec.env, CI: "true", NO_COLOR: "1", TMPDIR: "/tmp" };
  return (command, cwd, options) =>
    runProcess({ file: spec.bwrapPath, args: bwrapArgs({ ...spec, env }, cwd, command), cwd, env: {}, label: command }, options);
}
