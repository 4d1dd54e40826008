import type { RunCommand } from "../../core/command.js";
import type { Tool } from "../../core/tool.js";
import { editFileTool, listFilesTool, readFileTool, searchTextTool, writeFileTool } from "./files.js";
import { createShellTool } from "./shell.js";

/** The built-in tools, confined to the workspace; `run_command` only when the task has somewhere to run commands. */
export function builtinTools(options: { shellTimeoutSeconds: number; run?: RunCommand }): Tool[] {
  const files = [readFileTool, writeFileTool, editFileTool, listFilesTool, searchTextTool] as Tool[];
  return options.run ? [...files, createShellTool(options.shellTimeoutSeconds, options.run) as Tool] : files;
}
