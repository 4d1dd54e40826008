export { bundledSkillsDir, type LoadedSkills, type LoadSkillsOptions, loadSkills, skillDirs } from "./load.js";
export {
  type ParseContext,
  type ParseResult,
  parseSkill,
  SKILL_SOURCES,
  type Skill,
  type SkillDimension,
  type SkillKind,
  type SkillSource,
  splitFrontmatter,
} from "./parse.js";
export { FALLBACK_EVALUATOR, matchScore, mentions, selectEvaluator, selectTaskSkills } from "./select.js";
