import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import { type Tool, ToolError } from "../../core/tool.js";
import { globToRegExp, walkFiles } from "./glob.js";
import { resolveInWorkspace, workspaceRelative } from "./workspace.js";

const MAX_READ_BYTES = 2_000_000;

export const readFileTool: Tool<{ path: string; offset?: number; limit?: number }> = {
  name: "read_file",
  description: "Read a text file in the workspace. Optional 1-based line `offset` and line `limit` for large files.",
  class: "read",
  schema: z.object({ path: z.string().min(1), offset: z.number().int().min(1).optional(), limit: z.number().int().min(1).optional() }),
  async run({ path, offset, limit }, ctx) {
    const file = resolveInWorkspace(ctx.workspace, path);
    if (!existsSync(file)) throw new ToolError(`File not found: ${path}. Use list_files to see what exists.`);
    if (statSync(file).isDirectory()) throw new ToolError(`${path} is a directory; use list_files.`);
    if (statSync(file).size > MAX_READ_BYTES) throw new ToolError(`${path} is larger than 2 MB; read it with offset/limit or search_text.`);
    const lines = readFileSync(file, "utf8").split("\n");
    const start = (offset ?? 1) - 1;
    const slice = lines.slice(start, limit ? start + limit : undefined);
    return { output: slice.join("\n") };
  },
};

export const writeFileTool: Tool<{ path: string; content: string }> = {
  name: "write_file",
  description: "Create or overwrite a file in the workspace with the given content. Parent directories are created.",
  class: "write",
  schema: z.object({ path: z.string().min(1), content: z.string() }),
  async run({ path, content }, ctx) {
    const file = resolveInWorkspace(ctx.workspace, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    const rel = workspaceRelative(ctx.workspace, file);
    return { output: `Wrote ${rel} (${Buffer.byteLength(content)} bytes).`, filesChanged: [rel] };
  },
};

export const editFileTool: Tool<{ path: string; old_string: string; new_string: string; replace_all?: boolean }> = {
  name: "edit_file",
  description:
    "Replace an exact string in a workspace file. `old_string` must match exactly once unless `replace_all` is true; include enough surrounding lines to make it unique.",
  class: "write",
  schema: z.object({ path: z.string().min(1), old_string: z.string().min(1), new_string: z.string(), replace_all: z.boolean().optional() }),
  async run({ path, old_string, new_string, replace_all }, ctx) {
    const file = resolveInWorkspace(ctx.workspace, path);
    if (!existsSync(file)) throw new ToolError(`File not found: ${path}. Use write_file to create it.`);
    const text = readFileSync(file, "utf8");
    const count = text.split(old_string).length - 1;
    if (count === 0) throw new ToolError(`old_string was not found in ${path}. Read the file and copy the exact text.`);
    if (count > 1 && !replace_all) {
      throw new ToolError(`old_string matches ${count} places in ${path}; add surrounding lines or set replace_all.`);
    }
    writeFileSync(file, replace_all ? text.split(old_string).join(new_string) : text.replace(old_string, () => new_string));
    const rel = workspaceRelative(ctx.workspace, file);
    return { output: `Edited ${rel} (${replace_all ? count : 1} replacement${count > 1 && replace_all ? "s" : ""}).`, filesChanged: [rel] };
  },
};

export const listFilesTool: Tool<{ pattern?: string; path?: string }> = {
  name: "list_files",
  description: "List workspace files, optionally filtered by a glob `pattern` such as `src/**/*.ts`, under an optional sub-directory `path`.",
  class: "read",
  schema: z.object({ pattern: z.string().optional(), path: z.string().optional() }),
  async run({ pattern, path }, ctx) {
    const root = resolveInWorkspace(ctx.workspace, path ?? ".");
    const regex = pattern ? globToRegExp(pattern) : undefined;
    const files = walkFiles(root).filter((f) => !regex || regex.test(f));
    return { output: files.length ? files.join("\n") : "(no matching files)" };
  },
};

export const searchTextTool: Tool<{ pattern: string; glob?: string; ignore_case?: boolean }> = {
  name: "search_text",
  description: "Search workspace files for a regular expression; returns `path:line: text` matches (at most 200).",
  class: "read",
  schema: z.object({ pattern: z.string().min(1), glob: z.string().optional(), ignore_case: z.boolean().optional() }),
  async run({ pattern, glob, ignore_case }, ctx) {
    let regex: RegExp;
    try {
      regex = new RegExp(pattern, ignore_case ? "i" : "");
    } catch (error) {
      throw new ToolError(`Invalid regular expression: ${(error as Error).message}`);
    }
    const root = resolveInWorkspace(ctx.workspace, ".");
    const filter = glob ? globToRegExp(glob) : undefined;
    const matches: string[] = [];
    for (const rel of walkFiles(root)) {
      if (filter && !filter.test(rel)) continue;
      const text = readFileSync(`${root}/${rel}`, "utf8");
      if (text.includes("\u0000")) continue;
      text.split("\n").forEach((line, i) => {
        if (matches.length < 200 && regex.test(line)) matches.push(`${rel}:${i + 1}: ${line.slice(0, 300)}`);
      });
      if (matches.length >= 200) break;
    }
    return { output: matches.length ? matches.join("\n") : "(no matches)" };
  },
};
