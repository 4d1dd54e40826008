import type { EventSink, TaskEvent } from "../core/events.js";
import { thousands } from "./format.js";

function inputSummary(input: unknown): string {
  if (!input || typeof input !== "object") return "";
  const record = input as Record<string, unknown>;
  const key = ["path", "command", "pattern", "query", "title"].find((k) => typeof record[k] === "string");
  if (!key) return "";
  const value = String(record[key]);
  return value.length > 70 ? `${value.slice(0, 67)}...` : value;
}

const money = (usd: number) => `$${usd.toFixed(usd < 1 ? 4 : 2)}`;

/** One progress line per event, in the seed's style ([PLAN] [EXEC] [EVAL] [REFN]); undefined when the event shows nothing. */
export function formatProgress(event: TaskEvent): string | undefined {
  switch (event.type) {
    case "task.started":
      return `[TASK] ${event.description.split("\n")[0]?.slice(0, 80)} | model: ${event.model}`;
    case "plan.ready": {
      const files = event.plan.files.length ? ` — files: ${event.plan.files.slice(0, 6).join(", ")}` : "";
      return `[PLAN] ${event.plan.steps.length} step(s)${files}\n${event.plan.steps.map((s, i) => `       ${i + 1}. ${s}`).join("\n")}`;
    }
    case "iteration.started":
      return `[EXEC] iteration ${event.iteration}/${event.maxIterations}`;
    case "tool.called":
      return `       → ${event.name}(${inputSummary(event.input)})`;
    case "tool.result":
      return event.isError ? `       ✗ ${event.name}: ${event.output.split("\n")[0]?.slice(0, 100)}` : undefined;
    case "eval.done": {
      const dims = event.dimensions.map((d) => `${d.dimension}=${(d.score * 10).toFixed(1)}`).join(" ");
      return `[EVAL] ${dims} → score ${event.score.toFixed(2)}${event.incremental ? " (incremental)" : ""}`;
    }
    case "eval.skipped":
      return `[EVAL] skipped: ${event.reason}`;
    case "refine.started": {
      const first = event.feedback.split("\n")[0] ?? "";
      const more = event.feedback.split("\n").length - 1;
      return `[REFN] ${first.replace(/^- /, "")}${more > 0 ? ` (+${more} more)` : ""}`;
    }
    case "budget.warning":
      return `[WARN] ${event.message}`;
    case "task.completed": {
      const mark = event.passed ? "✓" : "!";
      const tail = event.passed ? "" : ` Below the quality threshold (${event.decision}).`;
      return `[COST] ${money(event.costUsd)} · ${thousands(event.tokens)} tokens · ${(event.durationMs / 1000).toFixed(1)}s\n${mark} Done. ${event.iterations} iteration${event.iterations === 1 ? "" : "s"}. ${event.filesChanged.length} file${event.filesChanged.length === 1 ? "" : "s"} changed. Score ${event.score.toFixed(2)}.${tail}`;
    }
    case "task.failed":
      return `✗ Failed: ${event.message}`;
    case "task.cancelled":
      return `✗ Cancelled: ${event.reason} (${event.iterations} iteration(s), ${event.filesChanged.length} file(s) changed)`;
    default:
      return undefined;
  }
}

export function createProgressSink(write: (text: string) => void = (t) => process.stderr.write(t)): EventSink {
  const unpriced = new Set<string>();
  return (event) => {
    if (event.type === "usage.recorded" && !event.priced) unpriced.add(`${event.provider}/${event.model}`);
    const line = formatProgress(event);
    if (line) write(`${line}\n`);
    if (event.type === "task.completed" && unpriced.size > 0) {
      write(`       (no price known for ${[...unpriced].join(", ")}: its calls count as $0 — the cost above is a lower bound)\n`);
    }
  };
}
