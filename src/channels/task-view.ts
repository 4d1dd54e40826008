import type { DimensionScore, TaskEvent } from "../core/events.js";
import type { MessageStatus, RichMessage } from "../core/rich-message.js";

/** Everything a thread message shows about a task, folded from its events. */
export interface TaskView {
  taskId: string;
  description: string;
  status: MessageStatus;
  phase: string;
  iteration: number;
  maxIterations: number;
  dimensions: DimensionScore[];
  score?: number;
  costUsd: number;
  startedAt?: number;
  durationMs?: number;
  files: string[];
  plan: string[];
  output?: string;
  error?: string;
}

export function emptyView(taskId: string, description = ""): TaskView {
  return { taskId, description, status: "running", phase: "queued", iteration: 0, maxIterations: 0, dimensions: [], costUsd: 0, files: [], plan: [] };
}

export function foldEvent(view: TaskView, e: TaskEvent): TaskView {
  const v = { ...view };
  switch (e.type) {
    case "task.queued":
      return { ...v, description: e.description || v.description, phase: "queued" };
    case "task.started":
      return { ...v, description: e.description, maxIterations: e.maxIterations, phase: "planning", startedAt: Date.parse(e.at) };
    case "plan.ready":
      return { ...v, plan: e.plan.steps, phase: "planned" };
    case "iteration.started":
      return { ...v, iteration: e.iteration, maxIterations: e.maxIterations, phase: "working" };
    case "tool.result":
      return e.filesChanged.length ? { ...v, files: [...new Set([...v.files, ...e.filesChanged])] } : v;
    case "eval.done":
      return { ...v, dimensions: e.dimensions, score: e.score, phase: "evaluated" };
    case "refine.started":
      return { ...v, phase: "refining" };
    case "usage.recorded":
      return { ...v, costUsd: v.costUsd + e.costUsd };
    case "task.completed":
      return {
        ...v,
        status: e.passed ? "passed" : "failed",
        phase: "done",
        score: e.score,
        dimensions: e.dimensions.length ? e.dimensions : v.dimensions,
        files: e.filesChanged,
        costUsd: e.costUsd,
        durationMs: e.durationMs,
        output: e.output,
        iteration: e.iterations,
      };
    case "task.failed":
      return { ...v, status: "failed", phase: "failed", error: e.message };
    case "task.cancelled":
    case "task.interrupted":
      return {
        ...v,
        status: "cancelled",
        phase: e.type === "task.cancelled" ? "stopped" : "interrupted",
        error: e.reason,
        files: [...new Set([...v.files, ...e.filesChanged])],
      };
    default:
      return v;
  }
}

const money = (usd: number) => `$${usd.toFixed(2)}`;

/** The one-line progress: `iteration 2/3 · correctness 9.1 · safety 9.4 · $0.04`. */
export function progressLine(v: TaskView): string {
  const parts: string[] = [];
  if (v.iteration > 0) parts.push(`iteration ${v.iteration}/${v.maxIterations}`);
  else parts.push(v.phase);
  for (const d of v.dimensions.filter((d) => d.dimension !== "judge").slice(0, 4)) parts.push(`${d.dimension} ${(d.score * 10).toFixed(1)}`);
  parts.push(money(v.costUsd));
  return parts.join(" · ");
}

const TITLES: Record<MessageStatus, string> = { running: "Working on it", passed: "Done", failed: "Finished below the bar", cancelled: "Stopped" };

/** The platform-neutral message for a task at this point; `outputLimit` bounds the result section. */
export function taskMessage(v: TaskView, outputLimit: number): RichMessage {
  const title = v.error && v.status === "failed" ? "Failed" : TITLES[v.status];
  const fields: RichMessage["fields"] = [];
  if (v.score !== undefined) fields.push({ label: "Score", value: v.score.toFixed(2) });
  if (v.iteration > 0) fields.push({ label: "Iterations", value: `${v.iteration}/${v.maxIterations}` });
  fields.push({ label: "Cost", value: money(v.costUsd) });
  if (v.durationMs !== undefined) fields.push({ label: "Duration", value: `${(v.durationMs / 1000).toFixed(1)}s` });
  if (v.files.length) fields.push({ label: "Files changed", value: `${v.files.length}: ${v.files.slice(0, 5).join(", ")}${v.files.length > 5 ? ", …" : ""}` });
  for (const d of v.status !== "running" ? v.dimensions : []) fields.push({ label: d.dimension, value: (d.score * 10).toFixed(1) });
  const sections: RichMessage["sections"] = [];
  if (v.status === "running" && v.plan.length) sections.push({ kind: "text", text: v.plan.map((s, i) => `${i + 1}. ${s}`).join("\n") });
  if (v.error) sections.push({ kind: "text", text: v.error });
  if (v.output) sections.push({ kind: "text", text: v.output.length > outputLimit ? `${v.output.slice(0, outputLimit)}…` : v.output });
  const progress = progressLine(v);
  const task = v.description.split("\n")[0]?.slice(0, 120) ?? "";
  return {
    title: `${title}: ${task}`,
    status: v.status,
    progress,
    fields,
    sections,
    buttons: v.status === "running" ? [{ id: "openkoi_stop", label: "Stop", value: v.taskId, style: "danger" }] : [],
    fallback: `${title}: ${task} — ${progress}`,
  };
}
