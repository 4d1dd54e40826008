/** Picks skills for a task by word-boundary matches of names, categories and keywords in the task text. */
import { SKILL_SOURCES, type Skill } from "./parse.js";

const NAME_POINTS = 3;
const CATEGORY_POINTS = 2;
const KEYWORD_POINTS = 1;

/** Used only when no `general` evaluator is loaded at all (e.g. a user replaced it with a task skill). */
export const FALLBACK_EVALUATOR: Skill = {
  name: "general",
  description: "Fallback evaluator for any task.",
  kind: "evaluator",
  categories: [],
  keywords: [],
  dimensions: [
    { name: "relevance", weight: 0.4 },
    { name: "quality", weight: 0.35 },
    { name: "completeness", weight: 0.25 },
  ],
  body: "# General Evaluator\n\nScore relevance (does the output do what the task asked), quality (is it correct and well made) and completeness (is anything missing) from 0.0 to 1.0.",
  source: "bundled",
  path: "(built in)",
};

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Whole-word, case-insensitive; a plural `s`/`es` still matches ("migrations"); file names and dotted paths do not ("index.ts", "users.email"). */
export function mentions(text: string, term: string): boolean {
  const word = term.trim();
  if (!word) return false;
  return new RegExp(`(?<!\\w|\\w\\.)${escapeRegExp(word)}(?:s|es)?(?!\\w|\\.\\w)`, "i").test(text);
}

function isFallbackName(name: string): boolean {
  return name.toLowerCase() === FALLBACK_EVALUATOR.name;
}

/** Name mention 3 (not for `general`: "a general cleanup" names no evaluator), each category 2, each further keyword 1. */
export function matchScore(skill: Skill, taskText: string): number {
  let score = !isFallbackName(skill.name) && mentions(taskText, skill.name) ? NAME_POINTS : 0;
  for (const category of skill.categories) {
    if (mentions(taskText, category)) score += CATEGORY_POINTS;
  }
  for (const keyword of skill.keywords) {
    if (!skill.categories.includes(keyword) && mentions(taskText, keyword)) score += KEYWORD_POINTS;
  }
  return score;
}

function precedence(skill: Skill): number {
  return SKILL_SOURCES.indexOf(skill.source);
}

interface Ranked {
  skill: Skill;
  score: number;
  index: number;
}

/** Highest score first; ties → higher precedence, then the earlier skill in the list. */
function rank(skills: Skill[], taskText: string): Ranked[] {
  return skills
    .map((skill, index) => ({ skill, score: matchScore(skill, taskText), index }))
    .filter((entry) => entry.score > 0)
    .sort((a, b) => b.score - a.score || precedence(b.skill) - precedence(a.skill) || a.index - b.index);
}

export function selectEvaluator(skills: Skill[], taskText: string): Skill {
  const evaluators = skills.filter((skill) => skill.kind === "evaluator");
  const best = rank(evaluators, taskText)[0];
  if (best) return best.skill;
  return evaluators.find((skill) => isFallbackName(skill.name)) ?? FALLBACK_EVALUATOR;
}

export function selectTaskSkills(skills: Skill[], taskText: string, limit = 3): Skill[] {
  const tasks = skills.filter((skill) => skill.kind === "task");
  return rank(tasks, taskText)
    .slice(0, Math.max(0, limit))
    .map((entry) => entry.skill);
}
