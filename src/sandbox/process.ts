/** Child processes for tools and checks: own process group, chosen environment, killed as a group. */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import type { CommandResult, RunCommand, RunOptions } from "../core/command.js";
import { CancelledError } from "../core/errors.js";

export type { CommandResult, RunCommand, RunOptions } from "../core/command.js";

const SAFE_ENV_KEYS = ["PATH", "HOME", "USER", "LOGNAME", "SHELL", "TERM", "LANG", "LC_ALL", "TMPDIR", "TZ", "NODE_OPTIONS"];

/** The environment a shell command sees: basics only, never the hub's API keys or tokens. */
export function sanitizedEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = { CI: "true" };
  for (const key of SAFE_ENV_KEYS) {
    const value = env[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** bash where there is one (models write bash), else the system shell. */
export const SHELL = existsSync("/bin/bash") ? "/bin/bash" : "/bin/sh";
const DEFAULT_TIMEOUT_MS = 120_000;
const KILL_GRACE_MS = 1_000;
const DRAIN_MS = 250;
const MAX_OUTPUT_CHARS = 2_000_000;

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      // ESRCH: the group is already gone.
    }
  };
  signal("SIGTERM");
  setTimeout(() => signal("SIGKILL"), KILL_GRACE_MS);
}

export interface ProcessSpec {
  file: string;
  args: string[];
  cwd: string;
  /** Exactly the child's environment (nothing of the hub's is inherited). */
  env: Record<string, string>;
  /** Named in messages: the command the model or the check asked for. */
  label: string;
}

/** Spawns `spec` in its own process group; abort or timeout kills the whole group. */
export function runProcess(spec: ProcessSpec, options: RunOptions = {}): Promise<CommandResult> {
  const { signal, timeoutMs = DEFAULT_TIMEOUT_MS, maxOutputChars: maxChars = MAX_OUTPUT_CHARS } = options;
  if (signal?.aborted) return Promise.reject(new CancelledError(`Cancelled before running \`${spec.label}\``));
  return new Promise((resolve, reject) => {
    const child = spawn(spec.file, spec.args, { cwd: spec.cwd, env: spec.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let timedOut = false;
    let settled = false;
    let drain: NodeJS.Timeout | undefined;
    const append = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (output.length > maxChars) output = output.slice(-maxChars);
    };
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(drain);
      signal?.removeEventListener("abort", onAbort);
      child.stdout.destroy();
      child.stderr.destroy();
      finish();
    };
    const onAbort = () => {
      killGroup(child.pid);
      settle(() => reject(new CancelledError(`Cancelled while running \`${spec.label}\``)));
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, timeoutMs);
    signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout.on("data", append);
    child.stderr.on("data", append);
    child.on("error", (error) => settle(() => resolve({ exitCode: null, output, timedOut, spawnError: error.message })));
    child.on("close", (code) => settle(() => resolve({ exitCode: code, output, timedOut })));
    // A background grandchild can hold the pipes open after the shell exits; stop waiting for it.
    child.on("exit", (code) => {
      drain = setTimeout(() => settle(() => resolve({ exitCode: code, output, timedOut })), DRAIN_MS);
    });
  });
}

/** The unsandboxed runner (`[shell] sandbox = "off"`, and the CLI by default): bash on the host, sanitised environment. */
export function directRunner(env: Record<string, string> = sanitizedEnv()): RunCommand {
  return (command, cwd, options) =>
    runProcess({ file: SHELL, args: ["-c", command], cwd, env: { ...env, CI: "true", NO_COLOR: "1" }, label: command }, options);
}

/** One-off direct run with the sanitised environment (tests and tools that need no policy). */
export const runCommand: RunCommand = (command, cwd, options) => directRunner()(command, cwd, options);
