import type { TaskEventBody } from "../../core/events.js";
import { oneLine } from "./prompt.js";
import { neutraliseMentions } from "./render.js";

type Completed = Extract<TaskEventBody, { type: "task.completed" }>;

export function slugOf(title: string): string {
  const slug = title
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return slug || "task";
}

/** A PR's title from the issue's, without the " (#N)" a previous PR title already carries. */
export function pullTitle(title: string, issue: number): string {
  return `${oneLine(title.replace(/\s*\(#\d+\)\s*$/, ""), 200)} (#${issue})`;
}

export function commitMessage(title: string, issue: number, taskId: string, user: string | undefined): string {
  const by = user ? `\nRequested by ${user.replace(/@/g, "")}.` : "";
  return `${pullTitle(title, issue)}\n\nRefs #${issue}${by}\nopenkoi task ${taskId}`;
}

/** The PR body: the summary, the evaluator's scores and `Closes #N` (plus the marker that ties the PR to its issue). */
export function pullBody(issue: number, outcome: Completed, user: string | undefined): string {
  const summary = outcome.output.length > 30_000 ? `${outcome.output.slice(0, 30_000)}\n\n… [truncated]` : outcome.output;
  const rows = outcome.dimensions.filter((d) => d.dimension !== "judge").map((d) => `| ${d.dimension} | ${(d.score * 10).toFixed(1)} |`);
  const verdict = outcome.passed ? "passed the quality bar" : "below the quality bar: review with care";
  const lines = [
    `<!-- openkoi:issue=${issue} -->`,
    `openkoi worked on #${issue}${user ? ` at the request of ${user.replace(/@/g, "")}` : ""}.`,
    "",
    "### Summary",
    neutraliseMentions(summary.trim() || "(no summary)"),
    "",
    "### Scores",
  ];
  if (rows.length) lines.push("| Dimension | Score |", "|---|---|", ...rows, "");
  lines.push(
    `**Overall ${outcome.score.toFixed(2)}** (${verdict}) · ${outcome.iterations} iteration${outcome.iterations === 1 ? "" : "s"} · $${outcome.costUsd.toFixed(2)}`,
  );
  if (outcome.filesChanged.length)
    lines.push(
      "",
      `Files changed: ${outcome.filesChanged
        .slice(0, 20)
        .map((f) => `\`${f}\``)
        .join(", ")}`,
    );
  lines.push("", `Closes #${issue}`);
  return lines.join("\n");
}
