import type { Tool } from "../../core/tool.js";
import { editFileTool, listFilesTool, readFileTool, searchTextTool, writeFileTool } from "./files.js";
import { createShellTool } from "./shell.js";

/** The built-in tools, confined to the workspace. */
export function builtinTools(options: { shellTimeoutSeconds: number }): Tool[] {
  return [readFileTool, writeFileTool, editFileTool, listFilesTool, searchTextTool, createShellTool(options.shellTimeoutSeconds)] as Tool[];
}
