// Copies non-TypeScript assets (bundled skills, prompt texts, worker scripts) from src/ to dist/ beside the compiled modules.
import { chmodSync, cpSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    // Worker threads are plain JavaScript (Node 20 cannot load TypeScript in a worker), shipped as written.
    else if (/\.(md|txt|json)$|\.worker\.js$/.test(name)) cpSync(path, path.replace(/^src/, "dist"));
  }
}
walk("src");

// The installed command must be executable.
chmodSync("dist/cli/bin.cjs", 0o755);
