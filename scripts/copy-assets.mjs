// Copies non-TypeScript assets (bundled skills, prompt texts) from src/ to dist/ beside the compiled modules.
import { chmodSync, cpSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (/\.(md|txt|json)$/.test(name)) cpSync(path, path.replace(/^src/, "dist"));
  }
}
walk("src");

// The installed command must be executable.
chmodSync("dist/cli/bin.cjs", 0o755);
