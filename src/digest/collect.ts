/** What a digest reports, read from the store for one window [since, until): finished tasks, costs, warnings, proposals. */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import type { EventOf, TaskEvent } from "../core/events.js";
import type { OriginKind, TaskStatus } from "../core/task.js";
import { parseSkill } from "../skills/parse.js";
import type { Store, TaskRecord } from "../store/index.js";

export type DigestTaskStatus = Exclude<TaskStatus, "queued" | "running">;

export interface DigestTask {
  id: string;
  /** The first line of the task text, at most 140 characters. */
  description: string;
  status: DigestTaskStatus;
  score?: number;
  threshold: number;
  iterations: number;
  costUsd: number;
  origin: OriginKind;
  /** A readable reference to the chat thread, e.g. "slack C024BE91L › 1700000000.000100". */
  thread?: string;
  /** A web address for the task's origin (a GitHub issue). */
  link?: string;
  pullRequest?: string;
  error?: string;
  finishedAt: string;
}

export interface DigestCost {
  name: string;
  costUsd: number;
  tokens: number;
  /** Model calls (by model) or tasks (by channel). */
  count: number;
}

export interface DigestBudgetWarning {
  taskId: string;
  description: string;
  kind: EventOf<"budget.warning">["kind"];
  message: string;
  at: string;
}

export interface DigestProposal {
  name: string;
  description: string;
  path: string;
}

export interface DigestData {
  since: string;
  until: string;
  tasks: DigestTask[];
  totals: { completed: number; failed: number; cancelled: number; costUsd: number; tokens: number };
  costByModel: DigestCost[];
  costByChannel: DigestCost[];
  budgetWarnings: DigestBudgetWarning[];
  proposals: DigestProposal[];
}

export interface CollectOptions {
  since: Date;
  until: Date;
  /** `<home>/skills/proposed`; skills waiting for a human to accept them. */
  proposalsDir?: string;
}

const PR_URL = /https:\/\/github\.com\/([\w.-]+\/[\w.-]+)\/pull\/(\d+)/g;

function firstLine(text: string, max = 140): string {
  const line = (text.split("\n").find((l) => l.trim() !== "") ?? "").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Pull request URLs mentioned in the texts, in order, with their `owner/repo`. */
function pullRequestsIn(texts: string[]): Array<{ url: string; repo: string }> {
  return texts.flatMap((text) => [...text.matchAll(PR_URL)].map((m) => ({ url: m[0], repo: (m[1] ?? "").toLowerCase() })));
}

function originLinks(task: TaskRecord): Pick<DigestTask, "thread" | "link"> {
  const { kind, thread } = task.request.origin;
  if (!thread) return {};
  if (kind === "github" && /^[\w.-]+\/[\w.-]+$/.test(thread.conversation) && /^\d+$/.test(thread.thread ?? "")) {
    const ref = `${thread.conversation}#${thread.thread}`;
    return { thread: ref, link: `https://github.com/${thread.conversation}/issues/${thread.thread}` };
  }
  const parts = [thread.channel, thread.conversation, thread.thread].filter((p): p is string => Boolean(p));
  return { thread: `${parts[0]} ${parts.slice(1).join(" › ")}`.trim() };
}

/**
 * Where a task records the pull request it opened: a successful `github_create_pull_request` result, the final
 * output, the request metadata; for a GitHub-origin task also any event naming a PR of its own repository.
 */
function pullRequestOf(task: TaskRecord, events: TaskEvent[]): string | undefined {
  const repo = task.request.origin.kind === "github" ? task.request.origin.thread?.conversation.toLowerCase() : undefined;
  const opened = events.flatMap((e) => (e.type === "tool.result" && e.name === "github_create_pull_request" && !e.isError ? [e.output] : []));
  const stated = pullRequestsIn([task.output ?? "", JSON.stringify(task.request.metadata ?? {}), ...opened]);
  const own = (list: typeof stated) => list.filter((pr) => pr.repo === repo).at(-1);
  if (!repo) return stated.at(-1)?.url;
  return (own(stated) ?? stated.at(-1) ?? own(pullRequestsIn(events.map((e) => JSON.stringify(e)))))?.url;
}

function toDigestTask(task: TaskRecord, events: TaskEvent[], recordedPullRequest: string | undefined): DigestTask {
  const links = originLinks(task);
  const pullRequest = recordedPullRequest ?? pullRequestOf(task, events);
  return {
    id: task.id,
    description: firstLine(task.request.description),
    status: task.status as DigestTaskStatus,
    ...(task.score !== undefined ? { score: task.score } : {}),
    threshold: task.request.options.qualityThreshold,
    iterations: task.iterations,
    costUsd: task.costUsd,
    origin: task.request.origin.kind,
    ...links,
    ...(pullRequest ? { pullRequest } : {}),
    ...(task.error && task.status !== "completed" ? { error: firstLine(task.error.message, 200) } : {}),
    finishedAt: task.timings.finishedAt ?? task.timings.createdAt,
  };
}

function queries(store: Store) {
  const { db } = store;
  return {
    finished: db.prepare(`SELECT id FROM tasks WHERE finished_at >= ? AND finished_at < ?
      AND status IN ('completed', 'failed', 'cancelled', 'interrupted') ORDER BY finished_at, rowid`),
    prEvents: db.prepare("SELECT data_json FROM task_events WHERE task_id = ? AND data_json LIKE '%github.com/%/pull/%' ORDER BY seq"),
    byModel: db.prepare(`SELECT provider || '/' || model AS name, SUM(cost_usd) AS costUsd,
      SUM(input_tokens + output_tokens) AS tokens, COUNT(*) AS count FROM usage
      WHERE at >= ? AND at < ? GROUP BY provider, model ORDER BY costUsd DESC, name`),
    byChannel: db.prepare(`SELECT t.origin_kind AS name, SUM(u.cost_usd) AS costUsd,
      SUM(u.input_tokens + u.output_tokens) AS tokens, COUNT(DISTINCT u.task_id) AS count
      FROM usage AS u JOIN tasks AS t ON t.id = u.task_id
      WHERE u.at >= ? AND u.at < ? GROUP BY t.origin_kind ORDER BY costUsd DESC, name`),
    warnings: db.prepare(`SELECT e.task_id AS taskId, t.description AS description, e.data_json AS json
      FROM task_events AS e JOIN tasks AS t ON t.id = e.task_id
      WHERE e.type = 'budget.warning' AND e.at >= ? AND e.at < ? ORDER BY e.at, e.task_id, e.seq`),
  };
}

function budgetWarnings(rows: Array<{ taskId: string; description: string; json: string }>): DigestBudgetWarning[] {
  return rows.map((row) => {
    const event = JSON.parse(row.json) as EventOf<"budget.warning">;
    return { taskId: row.taskId, description: firstLine(row.description), kind: event.kind, message: event.message, at: event.at };
  });
}

/** `<name>/SKILL.md` and bare `<name>.md` files; an unreadable one is still listed, so nothing waits unseen. */
export function listProposals(dir: string | undefined): DigestProposal[] {
  if (!dir || !existsSync(dir) || !statSync(dir).isDirectory()) return [];
  const proposals: DigestProposal[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const nested = join(dir, entry, "SKILL.md");
    const path = existsSync(nested) ? nested : entry.toLowerCase().endsWith(".md") && entry.toLowerCase() !== "readme.md" ? join(dir, entry) : undefined;
    if (!path || statSync(path).isDirectory()) continue;
    const defaultName = path === nested ? entry : basename(entry, entry.slice(-3));
    const parsed = parseSkill(readFileSync(path, "utf8"), { path, source: "proposed", defaultName });
    proposals.push(
      parsed.ok ? { name: parsed.skill.name, description: parsed.skill.description, path } : { name: defaultName, description: parsed.warning, path },
    );
  }
  return proposals;
}

export function collectDigest(store: Store, options: CollectOptions): DigestData {
  const q = queries(store);
  const range = [options.since.toISOString(), options.until.toISOString()] as const;
  const tasks: DigestTask[] = [];
  for (const { id } of q.finished.all(...range) as Array<{ id: string }>) {
    const task = store.getTask(id);
    if (!task) continue;
    const events = (q.prEvents.all(id) as Array<{ data_json: string }>).map((row) => JSON.parse(row.data_json) as TaskEvent);
    // The GitHub channel records the pull request it opened (hub: `link:<task>:pull_request`).
    tasks.push(toDigestTask(task, events, store.kvGet(`link:${id}:pull_request`)));
  }
  const costByModel = q.byModel.all(...range) as DigestCost[];
  const count = (status: DigestTaskStatus[]) => tasks.filter((t) => status.includes(t.status)).length;
  return {
    since: range[0],
    until: range[1],
    tasks,
    totals: {
      completed: count(["completed"]),
      failed: count(["failed", "interrupted"]),
      cancelled: count(["cancelled"]),
      costUsd: costByModel.reduce((sum, m) => sum + m.costUsd, 0),
      tokens: costByModel.reduce((sum, m) => sum + m.tokens, 0),
    },
    costByModel,
    costByChannel: q.byChannel.all(...range) as DigestCost[],
    budgetWarnings: budgetWarnings(q.warnings.all(...range) as Array<{ taskId: string; description: string; json: string }>),
    proposals: listProposals(options.proposalsDir),
  };
}
