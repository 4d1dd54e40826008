import type { z } from "zod";

/** What a tool may do; policies (chat grants, passing-score holds) check this. */
export type ToolClass = "read" | "write" | "shell" | "network";

export interface ToolContext {
  /** Absolute path of the workspace; file tools never leave it. */
  workspace: string;
  /** Where oversized outputs are saved (`<data>/tool-output`). */
  dataDir: string;
  signal: AbortSignal;
}

export interface ToolResult {
  output: string;
  isError?: boolean;
  /** Workspace-relative paths this call wrote. */
  filesChanged?: string[];
}

export interface Tool<Input = unknown> {
  name: string;
  description: string;
  schema: z.ZodType<Input>;
  class: ToolClass;
  run(input: Input, context: ToolContext): Promise<ToolResult>;
}

/** A tool failure the model can read and react to (not a crash). */
export class ToolError extends Error {}
