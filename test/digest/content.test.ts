import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { collectDigest, type DigestData } from "../../src/digest/collect.js";
import { renderDigest } from "../../src/digest/render.js";
import { openStore, type Store } from "../../src/store/index.js";
import { FAILED_TASK, GITHUB_TASK, HOSTILE_TASK, OUTSIDE_TASK, SLACK_TASK, seedDigest, seedProposals } from "./seed.js";

const BASE = new Date("2025-02-28T08:00:00.000Z");
const UNTIL = new Date("2025-02-28T20:00:00.000Z");

let dir: string;
let store: Store;
let data: DigestData;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "openkoi-digest-"));
  store = openStore(join(dir, "data", "openkoi.db"), { now: () => new Date("2025-02-28T13:00:00.000Z") });
  seedDigest(store, BASE);
  data = collectDigest(store, { since: BASE, until: UNTIL, proposalsDir: seedProposals(join(dir, "home")) });
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("collectDigest", () => {
  it("lists the tasks that finished in the window, in order, with scores, iterations, costs and links", () => {
    expect(data.tasks.map((t) => [t.id, t.status, t.score, t.iterations])).toEqual([
      ["t-slack", "completed", 0.92, 1],
      ["t-github", "completed", 0.85, 2],
      ["t-cli", "failed", undefined, 1],
      ["t-discord", "completed", 0.6, 3],
      ["t-api", "cancelled", undefined, 0],
    ]);
    const [slack, github, cli] = data.tasks;
    expect(slack).toMatchObject({ origin: "slack", thread: "slack C024BE91L › 1700000000.000100", costUsd: 0.2625 });
    expect(slack?.link).toBeUndefined();
    expect(github).toMatchObject({
      origin: "github",
      thread: "acme/api#42",
      link: "https://github.com/acme/api/issues/42",
      pullRequest: "https://github.com/acme/api/pull/43",
    });
    expect(cli).toMatchObject({ origin: "cli", error: "Anthropic said 401 invalid x-api-key: check ANTHROPIC_API_KEY" });
    expect(data.totals).toMatchObject({ completed: 3, failed: 1, cancelled: 1 });
  });

  it("sums cost by model and by channel from usage inside the window only", () => {
    expect(data.totals.costUsd).toBeCloseTo(0.8725, 10);
    expect(data.totals.tokens).toBe(20_000 + 3_000 + 5_000 + 500 + 40_000 + 6_000 + 4_000 + 200 + 8_000 + 1_000);
    expect(data.costByModel.map((m) => [m.name, Number(m.costUsd.toFixed(4)), m.count])).toEqual([
      ["anthropic/claude-sonnet-4-5", 0.85, 3],
      ["openai/gpt-5-mini", 0.0225, 2],
    ]);
    expect(data.costByChannel.map((c) => [c.name, Number(c.costUsd.toFixed(4)), c.count])).toEqual([
      ["github", 0.5, 1],
      ["slack", 0.2625, 1],
      ["discord", 0.1, 1],
      ["cli", 0.01, 1],
    ]);
  });

  it("reports budget warnings and pending skill proposals", () => {
    expect(data.budgetWarnings).toEqual([
      { taskId: "t-slack", description: SLACK_TASK, kind: "cost", message: "Cost at 80% of the $2.00 budget", at: "2025-02-28T09:00:04.000Z" },
    ]);
    expect(data.proposals.map((p) => [p.name, p.description])).toEqual([
      ["changelog-style", "Keep changelog entries short"],
      ["migration-safety", "Check SQL migrations for locks & data loss"],
    ]);
  });

  it("is empty for a window with nothing in it", () => {
    const empty = collectDigest(store, { since: new Date("2025-01-01T00:00:00Z"), until: new Date("2025-01-02T00:00:00Z") });
    expect(empty).toMatchObject({ tasks: [], costByModel: [], costByChannel: [], budgetWarnings: [], proposals: [] });
    expect(renderDigest(empty, { timeZone: "UTC" }).text).toContain("No tasks finished in this window.");
  });
});

describe("renderDigest", () => {
  it("writes a plain-text part with every task, cost table, warning and proposal", () => {
    const { subject, text } = renderDigest(data, { timeZone: "UTC" });
    expect(subject).toBe("openkoi digest 28 Feb 2025: 3 done, 1 failed, $0.8725");
    expect(text).toContain("openkoi digest — 28 Feb 2025, 08:00 UTC → 28 Feb 2025, 20:00 UTC");
    expect(text).toContain("3 done, 1 failed, 1 cancelled · $0.8725 · 87,700 tokens");
    expect(text).toMatch(/✓ 0\.92 +1 it +\$0\.2625 +Fix the login redirect loop\n +slack C024BE91L › 1700000000\.000100/);
    expect(text).toContain(`✓ 0.85   2 it   $0.5000  ${GITHUB_TASK}`);
    expect(text).toContain("acme/api#42 · https://github.com/acme/api/issues/42 · PR https://github.com/acme/api/pull/43");
    expect(text).toContain(`✗ –      1 it   $0.0100  ${FAILED_TASK}`);
    expect(text).toContain("Anthropic said 401 invalid x-api-key: check ANTHROPIC_API_KEY");
    expect(text).toContain(`0.60 (below 0.80)`);
    expect(text).toContain(HOSTILE_TASK);
    expect(text).toMatch(/anthropic\/claude-sonnet-4-5 +\$0\.8500 +78,000 tokens +3 calls/);
    expect(text).toMatch(/github +\$0\.5000 +46,000 tokens +1 task\n/);
    expect(text).toContain("! cost: Cost at 80% of the $2.00 budget — Fix the login redirect loop (t-slack)");
    expect(text).toContain("Skill proposals waiting for review (2)\n  - changelog-style: Keep changelog entries short\n  - migration-safety:");
    expect(text).not.toContain(OUTSIDE_TASK);
    expect(text).not.toContain("Still going");
  });

  it("writes well-formed, escaped HTML with the same content", () => {
    const { html } = renderDigest(data, { timeZone: "UTC", title: "Team <digest>" });
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).not.toContain("<script>");
    expect(html).toContain("&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; tidy the &#34;README&#34;");
    expect(html).toContain('<h1 style="font-size:20px;margin:0 0 4px">Team &#60;digest&#62;</h1>');
    expect(html).toContain('<a href="https://github.com/acme/api/issues/42" style="color:#0366d6">acme/api#42</a>');
    expect(html).toContain('<a href="https://github.com/acme/api/pull/43" style="color:#0366d6">pull request</a>');
    expect(html).toContain("slack: slack C024BE91L › 1700000000.000100");
    expect(html).toContain("0.60 (below 0.80)");
    expect(html).toContain("locks &#38; data loss");
    expect(html).toMatch(/<td [^>]*>anthropic\/claude-sonnet-4-5<\/td><td [^>]*>\$0\.8500<\/td><td [^>]*>78,000<\/td><td [^>]*>3<\/td>/);
    expect(html).toMatch(/<td [^>]*>discord<\/td><td [^>]*>\$0\.1000<\/td>/);
    expect(html).toContain("<strong>cost</strong>: Cost at 80% of the $2.00 budget");
    expect(html).not.toContain(OUTSIDE_TASK);
    expect(balancedTags(html)).toEqual([]);
  });
});

/** Every opened element is closed in order (void elements aside): a cheap well-formedness check. */
function balancedTags(html: string): string[] {
  const voids = new Set(["meta", "br", "!doctype"]);
  const stack: string[] = [];
  const problems: string[] = [];
  for (const match of html.matchAll(/<(\/?)([a-zA-Z!][a-zA-Z0-9]*)[^>]*>/g)) {
    const [, closing, rawName = ""] = match;
    const name = rawName.toLowerCase();
    if (voids.has(name)) continue;
    if (!closing) stack.push(name);
    else if (stack.pop() !== name) problems.push(`unexpected </${name}>`);
  }
  return [...problems, ...stack.map((n) => `unclosed <${n}>`)];
}
