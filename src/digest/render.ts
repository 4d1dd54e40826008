/** A digest as an email: a subject, a plain-text part and an equivalent HTML part (escaped, inline styles only). */
import type { DigestCost, DigestData, DigestTask } from "./collect.js";

export interface RenderOptions {
  /** Heads the email and starts the subject; "openkoi digest" by default. */
  title?: string;
  /** IANA zone for the times shown; the machine's local zone when absent. */
  timeZone?: string;
}

export interface RenderedDigest {
  subject: string;
  text: string;
  html: string;
}

const STATUS: Record<DigestTask["status"], { mark: string; label: string; color: string }> = {
  completed: { mark: "✓", label: "done", color: "#36a64f" },
  failed: { mark: "✗", label: "failed", color: "#cc0000" },
  interrupted: { mark: "✗", label: "interrupted", color: "#cc0000" },
  cancelled: { mark: "–", label: "cancelled", color: "#888888" },
};

export function money(usd: number): string {
  return usd >= 1 ? `$${usd.toFixed(2)}` : `$${usd.toFixed(4)}`;
}

const count = (n: number) => n.toLocaleString("en-US");

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function formatTime(iso: string, timeZone?: string): string {
  const format = new Intl.DateTimeFormat("en-GB", {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZoneName: "short",
    ...(timeZone ? { timeZone } : {}),
  });
  return format.format(new Date(iso));
}

function scoreText(task: DigestTask): string {
  if (task.score === undefined) return "–";
  const score = task.score.toFixed(2);
  return task.status === "completed" && task.score < task.threshold ? `${score} (below ${task.threshold.toFixed(2)})` : score;
}

function summary(data: DigestData): string {
  const { completed, failed, cancelled, costUsd, tokens } = data.totals;
  return `${completed} done, ${failed} failed, ${cancelled} cancelled · ${money(costUsd)} · ${count(tokens)} tokens`;
}

function where(task: DigestTask): string[] {
  return [task.thread ?? task.origin, task.link, task.pullRequest ? `PR ${task.pullRequest}` : undefined].filter((p): p is string => Boolean(p));
}

// ---- text ----

function taskLines(task: DigestTask): string[] {
  const head = `  ${STATUS[task.status].mark} ${scoreText(task).padEnd(5)} ${`${task.iterations} it`.padStart(5)} ${money(task.costUsd).padStart(9)}  ${task.description}`;
  const lines = [head, `      ${where(task).join(" · ")}`];
  if (task.error) lines.push(`      ${task.error}`);
  return lines;
}

function costLines(title: string, rows: DigestCost[], unit: string): string[] {
  if (rows.length === 0) return [];
  const width = Math.max(...rows.map((r) => r.name.length));
  const units = (n: number) => `${String(n).padStart(4)} ${unit}${n === 1 ? "" : "s"}`;
  return ["", title, ...rows.map((r) => `  ${r.name.padEnd(width)} ${money(r.costUsd).padStart(9)} ${count(r.tokens).padStart(10)} tokens ${units(r.count)}`)];
}

function renderText(data: DigestData, title: string, timeZone?: string): string {
  const lines = [`${title} — ${formatTime(data.since, timeZone)} → ${formatTime(data.until, timeZone)}`, "", summary(data), ""];
  if (data.tasks.length === 0) lines.push("No tasks finished in this window.");
  else lines.push("Tasks", ...data.tasks.flatMap(taskLines));
  lines.push(...costLines("Cost by model", data.costByModel, "call"), ...costLines("Cost by channel", data.costByChannel, "task"));
  if (data.budgetWarnings.length > 0) {
    lines.push("", "Budget warnings", ...data.budgetWarnings.map((w) => `  ! ${w.kind}: ${w.message} — ${w.description} (${w.taskId})`));
  }
  if (data.proposals.length > 0) {
    lines.push("", `Skill proposals waiting for review (${data.proposals.length})`, ...data.proposals.map((p) => `  - ${p.name}: ${p.description}`));
  }
  return `${lines.join("\n")}\n`;
}

// ---- html ----

const CELL = 'style="padding:4px 8px;border-bottom:1px solid #eeeeee;text-align:left;vertical-align:top"';
const HEAD = 'style="padding:4px 8px;border-bottom:2px solid #cccccc;text-align:left;font-weight:600"';
const TABLE = 'style="border-collapse:collapse;font-size:14px;margin:8px 0 16px"';

function link(url: string, label: string): string {
  if (!/^https?:\/\//i.test(url)) return escapeHtml(label);
  return `<a href="${escapeHtml(url)}" style="color:#0366d6">${escapeHtml(label)}</a>`;
}

function table(headers: string[], rows: string[][]): string {
  const head = `<tr>${headers.map((h) => `<th ${HEAD}>${escapeHtml(h)}</th>`).join("")}</tr>`;
  const body = rows.map((cells) => `<tr>${cells.map((c) => `<td ${CELL}>${c}</td>`).join("")}</tr>`).join("\n");
  return `<table ${TABLE}>\n${head}\n${body}\n</table>`;
}

function taskRow(task: DigestTask): string[] {
  const status = STATUS[task.status];
  const links = [task.link ? link(task.link, task.thread ?? task.link) : escapeHtml(task.thread ?? task.origin)];
  if (task.pullRequest) links.push(link(task.pullRequest, "pull request"));
  const error = task.error ? `<br><span style="color:#cc0000">${escapeHtml(task.error)}</span>` : "";
  return [
    `<span style="color:${status.color};font-weight:600">${status.mark} ${status.label}</span>`,
    `${escapeHtml(task.description)}${error}`,
    escapeHtml(scoreText(task)),
    String(task.iterations),
    money(task.costUsd),
    `${escapeHtml(task.origin)}: ${links.join(" · ")}`,
  ];
}

function costTable(title: string, rows: DigestCost[], headers: string[]): string {
  if (rows.length === 0) return "";
  const cells = rows.map((r) => [escapeHtml(r.name), money(r.costUsd), count(r.tokens), String(r.count)]);
  return `<h2 style="font-size:16px;margin:16px 0 4px">${escapeHtml(title)}</h2>\n${table(headers, cells)}`;
}

function list(title: string, items: string[]): string {
  if (items.length === 0) return "";
  return `<h2 style="font-size:16px;margin:16px 0 4px">${escapeHtml(title)}</h2>\n<ul style="margin:4px 0 16px;padding-left:20px">${items.map((i) => `<li>${i}</li>`).join("")}</ul>`;
}

function renderHtml(data: DigestData, title: string, timeZone?: string): string {
  const window = `${formatTime(data.since, timeZone)} → ${formatTime(data.until, timeZone)}`;
  const tasks =
    data.tasks.length === 0
      ? "<p>No tasks finished in this window.</p>"
      : table(["Status", "Task", "Score", "Iterations", "Cost", "Where"], data.tasks.map(taskRow));
  const warnings = data.budgetWarnings.map(
    (w) => `<strong>${escapeHtml(w.kind)}</strong>: ${escapeHtml(w.message)} — ${escapeHtml(w.description)} (${escapeHtml(w.taskId)})`,
  );
  const proposals = data.proposals.map((p) => `<strong>${escapeHtml(p.name)}</strong>: ${escapeHtml(p.description)}`);
  return [
    "<!DOCTYPE html>",
    `<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>`,
    '<body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#24292e;margin:0;padding:16px">',
    `<h1 style="font-size:20px;margin:0 0 4px">${escapeHtml(title)}</h1>`,
    `<p style="color:#586069;margin:0 0 12px">${escapeHtml(window)}</p>`,
    `<p style="margin:0 0 12px"><strong>${escapeHtml(summary(data))}</strong></p>`,
    tasks,
    costTable("Cost by model", data.costByModel, ["Model", "Cost", "Tokens", "Calls"]),
    costTable("Cost by channel", data.costByChannel, ["Channel", "Cost", "Tokens", "Tasks"]),
    list("Budget warnings", warnings),
    list(`Skill proposals waiting for review (${data.proposals.length})`, proposals),
    "</body></html>\n",
  ]
    .filter((part) => part !== "")
    .join("\n");
}

export function renderDigest(data: DigestData, options: RenderOptions = {}): RenderedDigest {
  const title = options.title ?? "openkoi digest";
  const { completed, failed, costUsd } = data.totals;
  const day = formatTime(data.until, options.timeZone).replace(/,.*$/, "");
  return {
    subject: `${title} ${day}: ${completed} done, ${failed} failed, ${money(costUsd)}`,
    text: renderText(data, title, options.timeZone),
    html: renderHtml(data, title, options.timeZone),
  };
}
