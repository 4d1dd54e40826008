import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSkills } from "../../src/skills/load.js";
import type { Skill } from "../../src/skills/parse.js";
import { FALLBACK_EVALUATOR, mentions, selectEvaluator, selectTaskSkills } from "../../src/skills/select.js";

let root: string;
let bundled: Skill[];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "openkoi-select-"));
  bundled = loadSkills({ workspace: join(root, "ws"), home: join(root, "home") }).skills;
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

function skill(overrides: Partial<Skill> & Pick<Skill, "name">): Skill {
  return { description: "", kind: "task", categories: [], keywords: [], dimensions: [], body: "", source: "workspace", path: "x", ...overrides };
}

describe("selectEvaluator over the bundled skills", () => {
  it.each([
    ["Refactor src/auth to use JWT tokens", "code-review"],
    ["Fix the crash when the config file is missing", "code-review"],
    ["write a migration adding an index on users.email", "sql-safety"],
    ["write a migration adding an index", "sql-safety"],
    ["Write a blog post announcing our 2.0 release", "prose-quality"],
    ["Update the README with install steps", "prose-quality"],
    ["Add a REST endpoint for listing invoices with pagination", "api-design"],
    ["Increase test coverage for the parser", "test-quality"],
    ["Fix the failing tests in the auth module", "test-quality"],
    ["Plan a team offsite in Lisbon", "general"],
    ["Give me a general overview of the options", "general"],
    ["Update src/index.ts to export the client", "general"],
  ])("%s → %s", (task, expected) => {
    expect(selectEvaluator(bundled, task).name).toBe(expected);
  });

  it("prefers the higher-precedence skill on a tie", () => {
    const workspace = skill({ name: "db-a", kind: "evaluator", categories: ["migration"], source: "workspace" });
    const user = skill({ name: "db-b", kind: "evaluator", categories: ["migration"], source: "user" });
    expect(selectEvaluator([workspace, user], "review this migration").name).toBe("db-b");
    expect(selectEvaluator([user, workspace], "review this migration").name).toBe("db-b");
  });

  it("an evaluator named in the task wins", () => {
    const security = skill({ name: "security-audit", kind: "evaluator", source: "workspace" });
    expect(selectEvaluator([...bundled, security], "run the security-audit on this refactor").name).toBe("security-audit");
  });

  it("a user override of general is what the fallback returns", () => {
    const mine = skill({ name: "general", kind: "evaluator", source: "user", body: "mine" });
    const skills = [...bundled.filter((s) => s.name !== "general"), mine];
    expect(selectEvaluator(skills, "plan an offsite").body).toBe("mine");
  });

  it("falls back to a built-in general when no evaluator is loaded", () => {
    expect(selectEvaluator([], "anything")).toBe(FALLBACK_EVALUATOR);
  });
});

describe("selectTaskSkills", () => {
  it("returns only task skills with a positive score, best first, at most `limit`", () => {
    const skills = [
      skill({ name: "deploy", categories: ["deploy", "release"] }),
      skill({ name: "docker", keywords: ["container", "image"] }),
      skill({ name: "unrelated", categories: ["cooking"] }),
      skill({ name: "rubric", kind: "evaluator", categories: ["deploy"] }),
      ...bundled,
    ];
    const picked = selectTaskSkills(skills, "Deploy the release as a container image");
    expect(picked.map((s) => s.name)).toEqual(["deploy", "docker"]);
    expect(selectTaskSkills(skills, "Deploy the release as a container image", 1).map((s) => s.name)).toEqual(["deploy"]);
    expect(selectTaskSkills(skills, "bake bread")).toEqual([]);
  });

  it("self-iterate is picked only for work on openkoi itself", () => {
    expect(selectTaskSkills(bundled, "Refactor src/auth to use JWT tokens")).toEqual([]);
    expect(selectTaskSkills(bundled, "Improve OpenKoi's provider retry logic").map((s) => s.name)).toEqual(["self-iterate"]);
  });
});

describe("mentions", () => {
  it("matches whole words, plurals and phrases, not substrings or file names", () => {
    expect(mentions("Add migrations for users", "migration")).toBe(true);
    expect(mentions("add a foreign key", "foreign key")).toBe(true);
    expect(mentions("testing the tester", "test")).toBe(false);
    expect(mentions("edit src/index.ts", "index")).toBe(false);
    expect(mentions("add an index.", "index")).toBe(true);
    expect(mentions("index users.email", "email")).toBe(false);
    expect(mentions("port it to C++ please", "c++")).toBe(true);
  });
});

it("loads workspace skills that selection can then pick", () => {
  const ws = join(root, "ws2");
  mkdirSync(join(ws, ".agents", "evaluators", "k8s"), { recursive: true });
  writeFileSync(
    join(ws, ".agents", "evaluators", "k8s", "SKILL.md"),
    "---\nmetadata:\n  categories: [kubernetes, helm]\n  dimensions: [{ name: safety, weight: 1 }]\n---\nrubric",
  );
  const { skills } = loadSkills({ workspace: ws, home: join(root, "home") });
  expect(selectEvaluator(skills, "Write a Helm chart for the API").name).toBe("k8s");
});
