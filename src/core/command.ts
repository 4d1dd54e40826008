/** "Run this command in this workspace": what the agent asks of whoever runs shell commands (the sandbox decides how). */
export interface RunOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Output beyond this keeps its tail. */
  maxOutputChars?: number;
}

export interface CommandResult {
  exitCode: number | null;
  output: string;
  timedOut: boolean;
  spawnError?: string;
}

/** Runs `command` (bash) with `cwd` as its working directory; abort or timeout kills everything it started. */
export type RunCommand = (command: string, cwd: string, options?: RunOptions) => Promise<CommandResult>;
