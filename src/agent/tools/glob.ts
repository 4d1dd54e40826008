import { readdirSync } from "node:fs";
import { join } from "node:path";

const IGNORED = new Set([".git", "node_modules", "dist", ".venv", "target", "__pycache__"]);

/** Converts a glob (`**`, `*`, `?`, `{a,b}`) to a RegExp over workspace-relative, slash-separated paths. */
export function globToRegExp(glob: string): RegExp {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === "*" && glob[i + 1] === "*") {
      const slash = glob[i + 2] === "/";
      out += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "{") out += "(?:";
    else if (c === "}") out += ")";
    else if (c === "," && out.includes("(?:")) out += "|";
    else out += c.replace(/[.+^$()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}

/** Walks a directory (skipping VCS and dependency folders), yielding relative file paths; bounded by `limit`. */
export function walkFiles(root: string, limit = 5000): string[] {
  const files: string[] = [];
  const stack = [""];
  while (stack.length > 0 && files.length < limit) {
    const dir = stack.pop() as string;
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(join(root, dir), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!IGNORED.has(entry.name)) stack.push(rel);
      } else if (entry.isFile()) files.push(rel);
    }
  }
  return files.sort();
}
