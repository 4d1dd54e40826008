import { spawn } from "node:child_process";
import { z } from "zod";
import type { Tool } from "../../core/tool.js";
import { resolveInWorkspace } from "./workspace.js";

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

export interface CommandResult {
  exitCode: number | null;
  output: string;
  timedOut: boolean;
  aborted: boolean;
}

/** Runs a command in its own process group, capturing stdout+stderr; the whole group dies on timeout or abort. */
export function runCommand(
  command: string,
  options: { cwd: string; timeoutMs: number; signal?: AbortSignal; env?: Record<string, string> },
): Promise<CommandResult> {
  return new Promise((resolvePromise) => {
    const child = spawn("bash", ["-c", command], { cwd: options.cwd, env: options.env ?? sanitizedEnv(), detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    let timedOut = false;
    let aborted = false;
    const kill = () => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, options.timeoutMs);
    const onAbort = () => {
      aborted = true;
      kill();
    };
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    child.stderr.on("data", (c: Buffer) => chunks.push(c));
    child.on("close", (code) => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      resolvePromise({ exitCode: code, output: Buffer.concat(chunks).toString("utf8"), timedOut, aborted });
    });
    child.on("error", (error) => chunks.push(Buffer.from(`\n${error.message}`)));
  });
}

export function createShellTool(defaultTimeoutSeconds: number): Tool<{ command: string; timeout_seconds?: number; cwd?: string }> {
  return {
    name: "run_command",
    description: `Run a shell command (bash) in the workspace; stdout and stderr are captured. Default timeout ${defaultTimeoutSeconds} s.`,
    class: "shell",
    schema: z.object({ command: z.string().min(1), timeout_seconds: z.number().positive().max(3600).optional(), cwd: z.string().optional() }),
    async run({ command, timeout_seconds, cwd }, ctx) {
      const dir = resolveInWorkspace(ctx.workspace, cwd ?? ".");
      const timeoutMs = (timeout_seconds ?? defaultTimeoutSeconds) * 1000;
      const result = await runCommand(command, { cwd: dir, timeoutMs, signal: ctx.signal, env: ctx.env ?? sanitizedEnv() });
      const status = result.timedOut
        ? `timed out after ${timeoutMs / 1000} s (process killed)`
        : result.aborted
          ? "cancelled (process killed)"
          : `exit code ${result.exitCode}`;
      return { output: `${result.output}\n[${status}]`.trimStart(), isError: result.exitCode !== 0 };
    },
  };
}
