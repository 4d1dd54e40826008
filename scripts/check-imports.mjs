// The dependency rule of the architecture (README, "Layout"), checked by tooling rather than convention:
// which top-level folders of src/ each folder may import at run time, and which only as types.
// `node scripts/check-imports.mjs` prints each violation and exits 1; test/architecture.test.ts runs it too.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ANY = "*";
/** folder → { run: folders imported for their code, types: folders imported only with `import type` }. */
export const RULES = {
  core: { run: [], types: [] },
  config: { run: ["core"], types: [] },
  state: { run: ["core"], types: [] },
  store: { run: ["core"], types: [] },
  skills: { run: ["core"], types: [] },
  // Runs shell commands where the hub is invisible; the agent gets it as a plain "run this command" function.
  sandbox: { run: ["core"], types: [] },
  agent: { run: ["core"], types: ["providers", "store", "skills"] },
  providers: { run: ["core"], types: ["config"] },
  integrations: { run: ["core"], types: ["config"] },
  channels: { run: ["core"], types: ["config", "store"] },
  // The digest is a sink of the store that sends through the email integration and lists skill proposals.
  digest: { run: ["core", "skills", "integrations"], types: ["config", "store"] },
  server: { run: ["core"], types: ["hub.ts", "store", "config", "channels"] },
  // The composition roots: hub.ts wires the hub; each CLI command is a root of its own fast path.
  cli: { run: [ANY], types: [ANY] },
  "hub.ts": { run: [ANY], types: [ANY] },
};

const IMPORT = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^"';]*?\sfrom\s+)?["'](\.{1,2}\/[^"']+)["']|import\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g;

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (/\.c?ts$/.test(entry.name)) yield path;
  }
}

const topOf = (src, path) => relative(src, path).split("/")[0];

export function violations(root = join(dirname(fileURLToPath(import.meta.url)), "..")) {
  const src = join(root, "src");
  const found = [];
  for (const file of sourceFiles(src)) {
    const from = topOf(src, file);
    const rule = RULES[from];
    if (!rule) {
      found.push(`${relative(root, file)}: src/${from} has no entry in scripts/check-imports.mjs RULES`);
      continue;
    }
    for (const match of readFileSync(file, "utf8").matchAll(IMPORT)) {
      const specifier = match[3] ?? match[4];
      const typeOnly = match[2] !== undefined && match[4] === undefined;
      const to = topOf(src, normalize(join(dirname(file), specifier)).replace(/\.js$/, ".ts"));
      if (to === from || to.startsWith("..")) continue;
      const allowed = [...rule.run, ...(typeOnly ? rule.types : [])];
      if (allowed.includes(ANY) || allowed.includes(to)) continue;
      const how = typeOnly ? "types from" : rule.types.includes(to) ? "code from (types only are allowed)" : "from";
      found.push(`${relative(root, file)}: src/${from} may not import ${how} src/${to} ("${specifier}")`);
    }
  }
  return found;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const found = violations();
  for (const line of found) console.error(line);
  process.exitCode = found.length ? 1 : 0;
}
