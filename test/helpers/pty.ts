/** Runs the built CLI on a pseudo-terminal (util-linux `script`), as a user at a terminal sees it. */
import { spawn } from "node:child_process";
import { CLI } from "./cli.js";

export interface PtyResult {
  code: number | null;
  /** Everything the terminal received (stdout and stderr together, escapes included, \r\n line ends). */
  screen: string;
}

const shellQuote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;

export function runInPty(
  args: string[],
  options: { env: Record<string, string>; cwd?: string; timeoutMs?: number; onOutput?: (screen: string) => void },
): Promise<PtyResult> {
  const command = [process.execPath, CLI, ...args].map(shellQuote).join(" ");
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qfec", command, "/dev/null"], {
      cwd: options.cwd,
      env: { TERM: "xterm-256color", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let screen = "";
    child.stdout.on("data", (d: Buffer) => {
      screen += d;
      options.onOutput?.(screen);
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`openkoi ${args.join(" ")} (on a pty) did not finish in time.\nscreen: ${JSON.stringify(screen)}`));
    }, options.timeoutMs ?? 30_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, screen });
    });
  });
}
