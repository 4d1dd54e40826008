import { describe, expect, it } from "vitest";
import { parseSkill, splitFrontmatter } from "../../src/skills/parse.js";

const context = { path: "/x/my-eval/SKILL.md", source: "workspace" as const, defaultName: "my-eval" };

describe("parseSkill", () => {
  it("reads name, kind, description, categories, keywords and dimensions", () => {
    const text = [
      "---",
      "name: my-evaluator",
      "kind: evaluator",
      "description: Evaluates database migrations for safety.",
      "metadata:",
      '  categories: ["Database", "migration"]',
      "  keywords: [alembic]",
      "  dimensions:",
      "    - { name: reversibility, weight: 0.4, description: Can it be undone? }",
      "    - { name: data_safety, weight: 0.6 }",
      "---",
      "",
      "# Database Migration Evaluator",
      "",
      "## Reversibility (40%)",
    ].join("\n");
    const result = parseSkill(text, context);
    expect(result).toEqual({
      ok: true,
      skill: {
        name: "my-evaluator",
        kind: "evaluator",
        description: "Evaluates database migrations for safety.",
        categories: ["database", "migration"],
        keywords: ["alembic"],
        dimensions: [
          { name: "reversibility", weight: 0.4, description: "Can it be undone?" },
          { name: "data_safety", weight: 0.6 },
        ],
        body: "# Database Migration Evaluator\n\n## Reversibility (40%)",
        source: "workspace",
        path: "/x/my-eval/SKILL.md",
      },
    });
  });

  it("defaults: name from the directory, kind task (or the directory's kind), empty lists", () => {
    const plain = parseSkill("---\ndescription: d\n---\nBody", context);
    expect(plain.ok && plain.skill).toMatchObject({ name: "my-eval", kind: "task", categories: [], keywords: [], dimensions: [], body: "Body" });
    const inEvaluators = parseSkill("---\ndescription: d\n---\nBody", { ...context, defaultKind: "evaluator" });
    expect(inEvaluators.ok && inEvaluators.skill.kind).toBe("evaluator");
    const explicit = parseSkill("---\nkind: task\n---\nBody", { ...context, defaultKind: "evaluator" });
    expect(explicit.ok && explicit.skill.kind).toBe("task");
  });

  it("accepts CRLF line endings and a byte-order mark", () => {
    const result = parseSkill("\uFEFF---\r\nname: crlf\r\n---\r\nLine one\r\n", context);
    expect(result.ok && result.skill.name).toBe("crlf");
    expect(result.ok && result.skill.body).toBe("Line one");
  });

  it.each([
    ["no frontmatter", "# Just markdown", "must start with a YAML frontmatter"],
    ["unterminated frontmatter", "---\nname: x\n", "must start with a YAML frontmatter"],
    ["broken YAML", "---\nname: [unclosed\n---\nbody", "invalid YAML frontmatter"],
    ["a YAML list", "---\n- a\n- b\n---\nbody", "must be a YAML mapping"],
    ["an unknown kind", "---\nkind: judge\n---\nbody", 'kind must be "task" or "evaluator"'],
    ["categories not a list", "---\nmetadata:\n  categories: code\n---\nbody", "metadata.categories must be a list"],
    ["a dimension without weight", "---\nmetadata:\n  dimensions: [{ name: x }]\n---\nbody", "metadata.dimensions[0].weight"],
    ["a negative weight", "---\nmetadata:\n  dimensions: [{ name: x, weight: -1 }]\n---\nbody", "metadata.dimensions[0].weight"],
  ])("skips %s with a warning naming the file and the problem", (_label, text, problem) => {
    const result = parseSkill(text, context);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.warning).toContain("/x/my-eval/SKILL.md");
    expect(!result.ok && result.warning).toContain(problem);
  });

  it("needs a name from the frontmatter or the directory", () => {
    const result = parseSkill("---\ndescription: d\n---\nb", { path: "/x.md", source: "user" });
    expect(!result.ok && result.warning).toContain("name is missing");
  });

  it("splitFrontmatter keeps `---` inside the body", () => {
    expect(splitFrontmatter("---\na: 1\n---\nbefore\n---\nafter")).toEqual({ yaml: "a: 1", body: "before\n---\nafter" });
  });
});
