import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadSkills } from "../../src/skills/load.js";
import type { Skill } from "../../src/skills/parse.js";

let root: string;
let workspace: string;
let home: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "openkoi-skills-"));
  workspace = join(root, "project");
  home = join(root, "home");
  mkdirSync(workspace);
  mkdirSync(home);
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

function evaluator(name: string, marker: string): string {
  return `---\nname: ${name}\nkind: evaluator\ndescription: ${marker}\nmetadata:\n  dimensions: [{ name: only, weight: 1 }]\n---\n${marker} rubric`;
}

function byName(skills: Skill[], name: string): Skill | undefined {
  return skills.find((skill) => skill.name === name);
}

const BUNDLED = ["self-iterate", "general", "code-review", "prose-quality", "sql-safety", "api-design", "test-quality"];

describe("loadSkills", () => {
  it("loads the seven bundled skills with evaluator weights summing to 1", () => {
    const { skills, warnings } = loadSkills({ workspace, home });
    expect(warnings).toEqual([]);
    expect(skills.map((s) => s.name).sort()).toEqual([...BUNDLED].sort());
    for (const skill of skills) {
      expect(skill.source).toBe("bundled");
      expect(skill.body.length).toBeGreaterThan(1000);
      if (skill.name === "self-iterate") {
        expect(skill.kind).toBe("task");
        continue;
      }
      expect(skill.kind).toBe("evaluator");
      expect(skill.dimensions.length).toBeGreaterThanOrEqual(3);
      const total = skill.dimensions.reduce((sum, d) => sum + d.weight, 0);
      expect(total, skill.name).toBeCloseTo(1, 9);
      for (const dimension of skill.dimensions) expect(dimension.description, `${skill.name}.${dimension.name}`).toBeTruthy();
    }
    expect(byName(skills, "general")?.dimensions).toEqual([
      expect.objectContaining({ name: "relevance", weight: 0.4 }),
      expect.objectContaining({ name: "quality", weight: 0.35 }),
      expect.objectContaining({ name: "completeness", weight: 0.25 }),
    ]);
  });

  it("every bundled evaluator's body has a section per dimension and a severity guide", () => {
    const { skills } = loadSkills({ workspace, home });
    for (const skill of skills.filter((s) => s.kind === "evaluator")) {
      for (const dimension of skill.dimensions) {
        const heading = dimension.name.replace(/_/g, " ");
        expect(skill.body.toLowerCase(), `${skill.name} lacks a section for ${dimension.name}`).toContain(`## ${heading}`);
      }
      expect(skill.body).toContain("## Severity Guide");
      for (const word of ["**1.0**", "**0.5**", "**0.0**", "**blocker**", "**important**", "**suggestion**"]) expect(skill.body).toContain(word);
    }
  });

  it("a workspace skill replaces the bundled one of the same name", () => {
    write(join(workspace, ".agents", "skills", "general", "SKILL.md"), evaluator("general", "workspace"));
    const { skills } = loadSkills({ workspace, home });
    const general = skills.filter((s) => s.name === "general");
    expect(general).toHaveLength(1);
    expect(general[0]).toMatchObject({ source: "workspace", description: "workspace", body: "workspace rubric" });
  });

  it("user global beats workspace, and proposed beats user", () => {
    write(join(workspace, ".agents", "skills", "general", "SKILL.md"), evaluator("general", "workspace"));
    write(join(home, "skills", "user", "general", "SKILL.md"), evaluator("general", "user"));
    expect(byName(loadSkills({ workspace, home }).skills, "general")?.description).toBe("user");
    write(join(home, "skills", "proposed", "general", "SKILL.md"), evaluator("general", "proposed"));
    expect(byName(loadSkills({ workspace, home }).skills, "general")).toMatchObject({ description: "proposed", source: "proposed" });
  });

  it("managed sits between bundled and workspace", () => {
    write(join(home, "skills", "managed", "code-review", "SKILL.md"), evaluator("code-review", "managed"));
    expect(byName(loadSkills({ workspace, home }).skills, "code-review")?.source).toBe("managed");
    write(join(workspace, ".agents", "skills", "code-review", "SKILL.md"), evaluator("code-review", "workspace"));
    expect(byName(loadSkills({ workspace, home }).skills, "code-review")?.source).toBe("workspace");
  });

  it("reads evaluator directories as evaluators, and accepts bare <name>.md files", () => {
    write(join(workspace, ".agents", "evaluators", "security", "SKILL.md"), "---\ndescription: sec\n---\nrubric");
    write(join(home, "evaluators", "user", "perf.md"), "---\ndescription: perf\n---\nrubric");
    write(join(workspace, ".agents", "skills", "deploy.md"), "---\ndescription: how we deploy\n---\nsteps");
    const { skills, warnings } = loadSkills({ workspace, home });
    expect(warnings).toEqual([]);
    expect(byName(skills, "security")).toMatchObject({ kind: "evaluator", source: "workspace" });
    expect(byName(skills, "perf")).toMatchObject({ kind: "evaluator", source: "user" });
    expect(byName(skills, "deploy")).toMatchObject({ kind: "task", source: "workspace", body: "steps" });
  });

  it("skips a broken skill with a warning and keeps loading the rest", () => {
    const broken = join(workspace, ".agents", "skills", "broken", "SKILL.md");
    write(broken, "---\nname: [oops\n---\nbody");
    write(join(workspace, ".agents", "skills", "fine", "SKILL.md"), "---\ndescription: ok\n---\nbody");
    write(join(workspace, ".agents", "skills", "README.md"), "# Our skills");
    write(join(workspace, ".agents", "skills", "empty-dir", "notes.txt"), "no SKILL.md here");
    const { skills, warnings } = loadSkills({ workspace, home });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(broken);
    expect(byName(skills, "fine")).toBeDefined();
    expect(skills).toHaveLength(BUNDLED.length + 1);
  });

  it("a frontmatter name wins over the directory name", () => {
    write(join(home, "skills", "user", "dir-name", "SKILL.md"), "---\nname: real-name\n---\nbody");
    const { skills } = loadSkills({ workspace, home });
    expect(byName(skills, "real-name")).toBeDefined();
    expect(byName(skills, "dir-name")).toBeUndefined();
  });

  it("parses an unchanged skill once, and sees a skill's new text at the next load", () => {
    const file = join(workspace, ".agents", "skills", "deploy", "SKILL.md");
    write(file, "---\ndescription: first\n---\nsteps");
    const first = loadSkills({ workspace, home }).skills;
    const again = loadSkills({ workspace, home }).skills;
    // The hub loads skills for every task: the same file text gives back the same parsed skill.
    expect(byName(again, "general")).toBe(byName(first, "general"));
    expect(byName(again, "deploy")).toBe(byName(first, "deploy"));
    write(file, "---\ndescription: second\n---\nsteps");
    expect(byName(loadSkills({ workspace, home }).skills, "deploy")?.description).toBe("second");
  });

  it("remembers the parses of at most 256 skill files", () => {
    // Every GitHub task has its own worktree: an unbounded memory of skill files would grow with the tasks.
    const workspaces = Array.from({ length: 300 }, (_, i) => {
      const ws = join(root, `ws-${i}`);
      write(join(ws, ".agents", "skills", "deploy", "SKILL.md"), "---\ndescription: same text everywhere\n---\nsteps");
      return ws;
    });
    const parsed = workspaces.map((ws) => byName(loadSkills({ workspace: ws, home }).skills, "deploy"));
    expect(byName(loadSkills({ workspace: workspaces[299] as string, home }).skills, "deploy")).toBe(parsed[299]);
    expect(byName(loadSkills({ workspace: workspaces[0] as string, home }).skills, "deploy")).not.toBe(parsed[0]);
  });
});
