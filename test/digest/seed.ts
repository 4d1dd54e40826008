/** Seeds a real store with the events the agent loop emits, for tasks of several origins around one digest window. */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { TaskEventBody } from "../../src/core/events.js";
import type { Origin, TaskRequest } from "../../src/core/task.js";
import type { Store } from "../../src/store/index.js";

export const SONNET = { provider: "anthropic", model: "claude-sonnet-4-5" };
export const MINI = { provider: "openai", model: "gpt-5-mini" };

function request(id: string, description: string, origin: Origin): TaskRequest {
  return { id, description, options: { maxIterations: 3, qualityThreshold: 0.8 }, origin, workspace: "/srv/repo" };
}

/** Applies the bodies as one task's event stream, `minute` minutes after `base`, one second apart. */
function play(store: Store, taskId: string, base: Date, minute: number, bodies: TaskEventBody[]): void {
  bodies.forEach((body, i) => {
    const at = new Date(base.getTime() + minute * 60_000 + i * 1000).toISOString();
    store.applyEvent({ ...body, taskId, seq: i + 1, at } as Parameters<Store["applyEvent"]>[0]);
  });
}

function usage(ref: { provider: string; model: string }, costUsd: number, tokens: [number, number]): TaskEventBody {
  return { type: "usage.recorded", phase: "execute", ...ref, inputTokens: tokens[0], outputTokens: tokens[1], costUsd, priced: true };
}

function started(description: string): TaskEventBody[] {
  return [
    { type: "task.started", description, model: "anthropic/claude-sonnet-4-5", maxIterations: 3, qualityThreshold: 0.8, workspace: "/srv/repo" },
    { type: "plan.ready", plan: { steps: ["read", "fix", "test"], files: ["src/login.ts"] } },
    { type: "iteration.started", iteration: 1, maxIterations: 3 },
  ];
}

function completed(score: number, iterations: number, costUsd: number, output = "Done."): TaskEventBody[] {
  const dimensions = [{ dimension: "correctness", score, weight: 1 }];
  return [
    { type: "eval.done", iteration: iterations, score, dimensions, findings: [], evaluator: "code-review", incremental: false },
    { type: "iteration.done", iteration: iterations, score, decision: "accept", durationMs: 40_000, costUsd },
    {
      type: "task.completed",
      output,
      score,
      iterations,
      decision: score >= 0.8 ? "accept" : "accept_best",
      filesChanged: ["src/login.ts"],
      costUsd,
      tokens: 12_000,
      durationMs: 90_000,
      passed: score >= 0.8,
      dimensions,
    },
  ];
}

export const SLACK_TASK = "Fix the login redirect loop";
export const GITHUB_TASK = "Add rate limiting to the public API";
export const FAILED_TASK = "Migrate the billing tables";
export const HOSTILE_TASK = '<script>alert("x")</script> & tidy the "README"';
export const OUTSIDE_TASK = "An old task from the day before";

/**
 * Inside [base, base + 12h): a Slack task (two models, a budget warning), a GitHub issue task that opened a PR,
 * a failed CLI task, a Discord task with a hostile description (below threshold), a cancelled API task.
 * Outside: a task finished a day before `base` (with usage) and one still running.
 */
export function seedDigest(store: Store, base: Date): void {
  const slack: Origin = { kind: "slack", user: "U042", thread: { channel: "slack", conversation: "C024BE91L", thread: "1700000000.000100" } };
  store.queue.enqueue(request("t-slack", SLACK_TASK, slack));
  store.queue.claimNext();
  play(store, "t-slack", base, 60, [
    ...started(SLACK_TASK),
    usage(SONNET, 0.25, [20_000, 3_000]),
    { type: "budget.warning", kind: "cost", used: 1.6, limit: 2, message: "Cost at 80% of the $2.00 budget" },
    usage(MINI, 0.0125, [5_000, 500]),
    ...completed(0.92, 1, 0.2625),
  ]);

  const github: Origin = { kind: "github", user: "octocat", thread: { channel: "github", conversation: "acme/api", thread: "42" } };
  store.queue.enqueue(request("t-github", GITHUB_TASK, github));
  store.queue.claimNext();
  play(store, "t-github", base, 120, [
    ...started(GITHUB_TASK),
    {
      type: "tool.called",
      iteration: 1,
      callId: "c1",
      name: "github_create_pull_request",
      input: { owner: "acme", repo: "api", title: "Rate limits", head: "openkoi/42" },
    },
    {
      type: "tool.result",
      iteration: 1,
      callId: "c1",
      name: "github_create_pull_request",
      output: 'Opened acme/api#43 "Rate limits" (openkoi/42 → main): https://github.com/acme/api/pull/43',
      isError: false,
      filesChanged: [],
    },
    usage(SONNET, 0.5, [40_000, 6_000]),
    ...completed(0.85, 2, 0.5),
  ]);

  store.startTask(request("t-cli", FAILED_TASK, { kind: "cli" }));
  play(store, "t-cli", base, 180, [
    ...started(FAILED_TASK),
    usage(MINI, 0.01, [4_000, 200]),
    { type: "task.failed", code: "PROVIDER_AUTH", message: "Anthropic said 401 invalid x-api-key: check ANTHROPIC_API_KEY" },
  ]);

  const discord: Origin = { kind: "discord", user: "u9", thread: { channel: "discord", conversation: "1150", thread: "1151" } };
  store.queue.enqueue(request("t-discord", HOSTILE_TASK, discord));
  store.queue.claimNext();
  play(store, "t-discord", base, 240, [...started(HOSTILE_TASK), usage(SONNET, 0.1, [8_000, 1_000]), ...completed(0.6, 3, 0.1)]);

  store.queue.enqueue(request("t-api", "Summarise the changelog", { kind: "api", user: "ci-bot" }));
  store.queue.cancelQueued("t-api");

  store.startTask(request("t-old", OUTSIDE_TASK, { kind: "cli" }));
  play(store, "t-old", base, -24 * 60, [...started(OUTSIDE_TASK), usage(SONNET, 7, [90_000, 9_000]), ...completed(0.99, 1, 7)]);

  store.startTask(request("t-running", "Still going", { kind: "cli" }));
  play(store, "t-running", base, 300, started("Still going"));
}

/** Two proposed skills under `<home>/skills/proposed`: a folder with SKILL.md and a bare .md file. */
export function seedProposals(home: string): string {
  const dir = join(home, "skills", "proposed");
  const write = (path: string, text: string) => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  };
  write(join(dir, "migration-safety", "SKILL.md"), "---\nname: migration-safety\ndescription: Check SQL migrations for locks & data loss\n---\nBody.\n");
  write(join(dir, "changelog-style.md"), "---\nname: changelog-style\ndescription: Keep changelog entries short\n---\nBody.\n");
  return dir;
}
