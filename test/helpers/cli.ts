import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const CLI = fileURLToPath(new URL("../../dist/cli/bin.cjs", import.meta.url));

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `openkoi-${prefix}-`));
}

/** A clean environment: no provider keys leak in from the machine running the tests. */
export function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const home = tempDir("home");
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    OPENKOI_HOME: join(home, ".openkoi"),
    OLLAMA_HOST: "http://127.0.0.1:9",
    NO_PROXY: "127.0.0.1,localhost",
    ...extra,
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a subprocess, as a user would. */
export function runCli(
  args: string[],
  options: { env: Record<string, string>; cwd?: string; input?: string; timeoutMs?: number; killAfterMs?: number; killSignal?: NodeJS.Signals },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: options.env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`openkoi ${args.join(" ")} did not finish in time.\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 30_000);
    const interrupt = options.killAfterMs ? setTimeout(() => child.kill(options.killSignal ?? "SIGTERM"), options.killAfterMs) : undefined;
    child.on("close", (code) => {
      clearTimeout(timer);
      clearTimeout(interrupt);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}
