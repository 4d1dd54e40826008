/** SKILL.md = YAML frontmatter between `---` lines + a markdown body. Bad files become warnings, never crashes. */
import { parse as parseYaml } from "yaml";

export type SkillKind = "task" | "evaluator";

/** Where a skill came from, lowest precedence first. */
export const SKILL_SOURCES = ["bundled", "managed", "workspace", "user", "proposed"] as const;
export type SkillSource = (typeof SKILL_SOURCES)[number];

export interface SkillDimension {
  name: string;
  weight: number;
  description?: string;
}

export interface Skill {
  name: string;
  description: string;
  kind: SkillKind;
  /** Labels matched (word-boundary) against the task text; strong signal. */
  categories: string[];
  /** Extra trigger words (`metadata.keywords`); weaker signal than categories. */
  keywords: string[];
  dimensions: SkillDimension[];
  body: string;
  source: SkillSource;
  path: string;
}

export interface ParseContext {
  path: string;
  source: SkillSource;
  /** Used when the frontmatter has no `name` (the directory or file name). */
  defaultName?: string;
  /** `evaluator` for files under an evaluators directory; an explicit `kind` still wins. */
  defaultKind?: SkillKind;
}

export type ParseResult = { ok: true; skill: Skill } | { ok: false; warning: string };

type Fields = Record<string, unknown>;

function isRecord(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Splits `---\n<yaml>\n---\n<body>`; undefined when the file does not open with a frontmatter block. */
export function splitFrontmatter(text: string): { yaml: string; body: string } | undefined {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  if (lines[0]?.trim() !== "---") return undefined;
  const end = lines.findIndex((line, index) => index > 0 && line.trim() === "---");
  if (end < 0) return undefined;
  return {
    yaml: lines.slice(1, end).join("\n"),
    body: lines
      .slice(end + 1)
      .join("\n")
      .trim(),
  };
}

function stringList(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw new Error(`metadata.${field} must be a list of strings`);
  }
  return value.map((item) => item.trim().toLowerCase()).filter((item) => item.length > 0);
}

function dimensionList(value: unknown): SkillDimension[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Error("metadata.dimensions must be a list of { name, weight }");
  return value.map((item, index) => {
    const at = `metadata.dimensions[${index}]`;
    if (!isRecord(item)) throw new Error(`${at} must be a mapping { name, weight, description? }`);
    const { name, weight, description } = item;
    if (typeof name !== "string" || name.trim() === "") throw new Error(`${at}.name must be a non-empty string`);
    if (typeof weight !== "number" || !Number.isFinite(weight) || weight < 0) {
      throw new Error(`${at}.weight must be a number >= 0`);
    }
    if (description !== undefined && typeof description !== "string") throw new Error(`${at}.description must be a string`);
    return description === undefined ? { name: name.trim(), weight } : { name: name.trim(), weight, description };
  });
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new Error(`${field} must be a string`);
  return value.trim();
}

function readKind(value: unknown, fallback: SkillKind): SkillKind {
  if (value === undefined || value === null) return fallback;
  if (value === "task" || value === "evaluator") return value;
  throw new Error(`kind must be "task" or "evaluator", got ${JSON.stringify(value)}`);
}

function buildSkill(fields: Fields, body: string, context: ParseContext): Skill {
  const name = optionalString(fields.name, "name") || context.defaultName;
  if (!name) throw new Error("name is missing");
  const metadata = fields.metadata ?? {};
  if (!isRecord(metadata)) throw new Error("metadata must be a mapping");
  return {
    name,
    description: optionalString(fields.description, "description") ?? "",
    kind: readKind(fields.kind, context.defaultKind ?? "task"),
    categories: stringList(metadata.categories, "categories"),
    keywords: stringList(metadata.keywords, "keywords"),
    dimensions: dimensionList(metadata.dimensions),
    body,
    source: context.source,
    path: context.path,
  };
}

export function parseSkill(text: string, context: ParseContext): ParseResult {
  const skipped = (why: string): ParseResult => ({ ok: false, warning: `Skipped skill ${context.path}: ${why}` });
  const parts = splitFrontmatter(text);
  if (!parts) return skipped("it must start with a YAML frontmatter block between '---' lines");
  let fields: unknown;
  try {
    fields = parseYaml(parts.yaml);
  } catch (error) {
    return skipped(`invalid YAML frontmatter (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`);
  }
  if (!isRecord(fields)) return skipped("the frontmatter must be a YAML mapping (name, description, kind, metadata)");
  try {
    return { ok: true, skill: buildSkill(fields, parts.body, context) };
  } catch (error) {
    return skipped(`${error instanceof Error ? error.message : String(error)}; fix the frontmatter`);
  }
}
