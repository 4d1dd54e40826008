import { existsSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { ToolError } from "../../core/tool.js";

function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/** The nearest existing ancestor, resolved through symlinks, so a link cannot smuggle a path out. */
function realExisting(path: string): string {
  let current = path;
  while (!existsSync(current)) {
    const parent = dirname(current);
    if (parent === current) return current;
    current = parent;
  }
  const real = realpathSync(current);
  return resolve(real, relative(current, path));
}

/** Resolves a tool's path argument inside the workspace, or throws a ToolError the model can read. */
export function resolveInWorkspace(workspace: string, path: string): string {
  const root = realpathSync(workspace);
  const target = realExisting(resolve(root, path));
  if (!isInside(root, target)) {
    throw new ToolError(`Path "${path}" is outside the workspace (${root}); only files inside it can be used.`);
  }
  return target;
}

export function workspaceRelative(workspace: string, absolute: string): string {
  return relative(realpathSync(workspace), absolute) || ".";
}
