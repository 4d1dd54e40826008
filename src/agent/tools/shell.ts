import { z } from "zod";
import type { RunCommand } from "../../core/command.js";
import type { Tool } from "../../core/tool.js";
import { resolveInWorkspace } from "./workspace.js";

const shellInput = z.object({ command: z.string().min(1), timeout_seconds: z.number().positive().max(3600).optional(), cwd: z.string().optional() });

/** `run_command`: bash in the workspace (through the task's runner: sandboxed or not is the hub's choice), stdout+stderr captured; timeout or cancellation kills the process group. */
export function createShellTool(defaultTimeoutSeconds: number, run: RunCommand): Tool<{ command: string; timeout_seconds?: number; cwd?: string }> {
  return {
    name: "run_command",
    description: `Run a shell command (bash) in the workspace; stdout and stderr are captured. Default timeout ${defaultTimeoutSeconds} s.`,
    class: "shell",
    schema: shellInput,
    async run({ command, timeout_seconds, cwd }, ctx) {
      const dir = resolveInWorkspace(ctx.workspace, cwd ?? ".");
      const timeoutMs = (timeout_seconds ?? defaultTimeoutSeconds) * 1000;
      const result = await run(command, dir, { signal: ctx.signal, timeoutMs, maxOutputChars: 20_000_000 });
      const status = result.timedOut
        ? `timed out after ${timeoutMs / 1000} s (process killed)`
        : result.spawnError
          ? `could not start: ${result.spawnError}`
          : `exit code ${result.exitCode}`;
      return { output: `${result.output}\n[${status}]`.trimStart(), isError: result.exitCode !== 0 };
    },
  };
}
