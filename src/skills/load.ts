/** Loads skills from every source; a later (higher-precedence) source replaces an earlier skill of the same name. */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type ParseContext, type ParseResult, parseSkill, type Skill, type SkillKind, type SkillSource } from "./parse.js";

export interface LoadSkillsOptions {
  workspace: string;
  /** OPENKOI_HOME: managed/, user/ and proposed/ skills live under `<home>/skills`, user evaluators under `<home>/evaluators/user`. */
  home: string;
  /** Accepted for the hub's convenience; skills do not live in the data dir (upstream's layout bug, §16.5). */
  dataDir?: string;
  /** Override the bundled directory (tests). Defaults to `bundled/` beside this module, in src/ or dist/. */
  bundledDir?: string;
}

export interface LoadedSkills {
  skills: Skill[];
  warnings: string[];
}

interface SkillDir {
  dir: string;
  source: SkillSource;
  kind?: SkillKind;
}

export function bundledSkillsDir(): string {
  return fileURLToPath(new URL("./bundled/", import.meta.url));
}

/** Lowest precedence first; the order is the precedence. */
export function skillDirs(options: LoadSkillsOptions): SkillDir[] {
  const { workspace, home } = options;
  return [
    { dir: options.bundledDir ?? bundledSkillsDir(), source: "bundled" },
    { dir: join(home, "skills", "managed"), source: "managed" },
    { dir: join(workspace, ".agents", "skills"), source: "workspace" },
    { dir: join(workspace, ".agents", "evaluators"), source: "workspace", kind: "evaluator" },
    { dir: join(home, "skills", "user"), source: "user" },
    { dir: join(home, "evaluators", "user"), source: "user", kind: "evaluator" },
    { dir: join(home, "skills", "proposed"), source: "proposed" },
  ];
}

interface Candidate {
  file: string;
  defaultName: string;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** `<name>/SKILL.md` or a bare `<name>.md` (README.md aside), sorted for a stable order. */
function candidates(dir: string): Candidate[] {
  if (!isDirectory(dir)) return [];
  const found: Candidate[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (isDirectory(path)) {
      const file = join(path, "SKILL.md");
      if (existsSync(file)) found.push({ file, defaultName: entry });
    } else if (entry.toLowerCase().endsWith(".md") && entry.toLowerCase() !== "readme.md") {
      found.push({ file: path, defaultName: basename(entry, entry.slice(-3)) });
    }
  }
  return found;
}

/** Parsed skills by file, reused while the file's text is unchanged: the hub loads skills for every task. */
const parsed = new Map<string, { text: string; context: string; result: ParseResult }>();
// Bounded: every GitHub task brings its own worktree, so the set of skill files seen keeps growing.
const MAX_PARSED = 256;

function parseCached(text: string, context: ParseContext): ParseResult {
  const key = JSON.stringify(context);
  const hit = parsed.get(context.path);
  parsed.delete(context.path);
  const result = hit && hit.text === text && hit.context === key ? hit.result : parseSkill(text, context);
  parsed.set(context.path, { text, context: key, result });
  for (const oldest of parsed.keys()) {
    if (parsed.size <= MAX_PARSED) break;
    parsed.delete(oldest);
  }
  return result;
}

function readSource(source: SkillDir, warnings: string[]): Skill[] {
  const skills: Skill[] = [];
  for (const { file, defaultName } of candidates(source.dir)) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      warnings.push(`Skipped skill ${file}: could not read it (${error instanceof Error ? error.message : String(error)})`);
      continue;
    }
    const context = { path: file, source: source.source, defaultName, ...(source.kind ? { defaultKind: source.kind } : {}) };
    const result = parseCached(text, context);
    if (result.ok) skills.push(result.skill);
    else warnings.push(result.warning);
  }
  return skills;
}

export function loadSkills(options: LoadSkillsOptions): LoadedSkills {
  const warnings: string[] = [];
  const byName = new Map<string, Skill>();
  for (const source of skillDirs(options)) {
    for (const skill of readSource(source, warnings)) {
      const key = skill.name.toLowerCase();
      // Delete first so the list stays in precedence order (the winner sits where its source does).
      byName.delete(key);
      byName.set(key, skill);
    }
  }
  return { skills: [...byName.values()], warnings };
}
