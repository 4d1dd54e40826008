/** Child processes for tools and checks: own process group, sanitised environment, killed as a group. */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { CancelledError } from "../core/errors.js";

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

export interface RunOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** The child's environment; default: the sanitised one (no API keys), plus CI=true. */
  env?: Record<string, string>;
  /** Output beyond this keeps its tail. */
  maxOutputChars?: number;
}

export interface CommandResult {
  exitCode: number | null;
  output: string;
  timedOut: boolean;
  spawnError?: string;
}

/** bash where there is one (models write bash), else the system shell. */
const SHELL: string | true = existsSync("/bin/bash") ? "/bin/bash" : true;
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

/** Runs `command` through the shell in its own process group; abort or timeout kills the whole group. */
export function runCommand(command: string, cwd: string, options: RunOptions = {}): Promise<CommandResult> {
  const { signal, timeoutMs = DEFAULT_TIMEOUT_MS, maxOutputChars: maxChars = MAX_OUTPUT_CHARS } = options;
  if (signal?.aborted) return Promise.reject(new CancelledError(`Cancelled before running \`${command}\``));
  return new Promise((resolve, reject) => {
    const env = { ...(options.env ?? sanitizedEnv()), CI: "true", NO_COLOR: "1" };
    const child = spawn(command, { cwd, env, shell: SHELL, detached: true, stdio: ["ignore", "pipe", "pipe"] });
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
      settle(() => reject(new CancelledError(`Cancelled while running \`${command}\``)));
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
