import { type EventSink, isTerminal, type TaskEvent } from "../core/events.js";
import { formatModelRef } from "../core/model.js";
import { colourEnabled, createPaint, isInteractive, type Paint } from "./ansi.js";
import { decisionWords } from "./decision-words.js";
import { thousands } from "./format.js";
import { createSpinner, type Spinner, type Ticker } from "./spinner.js";

function inputSummary(input: unknown): string {
  if (!input || typeof input !== "object") return "";
  const record = input as Record<string, unknown>;
  const key = ["path", "command", "pattern", "query", "title"].find((k) => typeof record[k] === "string");
  if (!key) return "";
  const value = String(record[key]);
  return value.length > 70 ? `${value.slice(0, 67)}...` : value;
}

const money = (usd: number) => `$${usd.toFixed(usd < 1 ? 4 : 2)}`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** What the lines depend on beyond the event itself: the colours, and the task's threshold and iteration budget. */
export interface ProgressView {
  paint: Paint;
  threshold: number;
  /** False for `-i 0`: nothing is evaluated, so there is no score to show. */
  evaluated: boolean;
}

const PLAIN_VIEW: ProgressView = { paint: createPaint(false), threshold: 0.8, evaluated: true };

/** Green at or above the threshold, yellow within 0.2 of it, red below. */
function scoreColour(score: number, view: ProgressView): (text: string) => string {
  if (score >= view.threshold) return view.paint.green;
  return score >= view.threshold - 0.2 ? view.paint.yellow : view.paint.red;
}

function completedLines(event: Extract<TaskEvent, { type: "task.completed" }>, view: ProgressView): string {
  const { paint } = view;
  const cost = `${paint.cyan("[COST]")} ${money(event.costUsd)} · ${thousands(event.tokens)} tokens · ${(event.durationMs / 1000).toFixed(1)}s`;
  const files = `${plural(event.filesChanged.length, "file")} changed.`;
  if (!view.evaluated) return `${cost}\n${paint.green("✓ Done.")} Not evaluated (-i 0). ${files}`;
  const score = scoreColour(event.score, view)(`Score ${event.score.toFixed(2)}.`);
  const head = `${plural(event.iterations, "iteration")}. ${files} ${score}`;
  if (event.passed) return `${cost}\n${paint.green("✓ Done.")} ${head}`;
  const why = decisionWords(event.decision);
  return `${cost}\n${paint.yellow(`! Done below the quality threshold (${view.threshold.toFixed(2)}).`)} ${head} ${why[0]?.toUpperCase()}${why.slice(1)}.`;
}

/** One progress line per event, in the seed's style ([PLAN] [EXEC] [EVAL] [REFN]); undefined when the event shows nothing. */
export function formatProgress(event: TaskEvent, view: ProgressView = PLAIN_VIEW): string | undefined {
  const { paint } = view;
  const tag = (name: string) => paint.cyan(`[${name}]`);
  switch (event.type) {
    case "task.started":
      return `${tag("TASK")} ${event.description.split("\n")[0]?.slice(0, 80)} | model: ${event.model}`;
    case "plan.ready": {
      const files = event.plan.files.length ? ` — files: ${event.plan.files.slice(0, 6).join(", ")}` : "";
      return `${tag("PLAN")} ${event.plan.steps.length} step(s)${files}\n${event.plan.steps.map((s, i) => `       ${i + 1}. ${s}`).join("\n")}`;
    }
    case "iteration.started":
      return `${tag("EXEC")} iteration ${event.iteration}/${event.maxIterations}`;
    case "tool.called":
      return `       → ${event.name}(${inputSummary(event.input)})`;
    case "tool.result":
      return event.isError ? paint.red(`       ✗ ${event.name}: ${event.output.split("\n")[0]?.slice(0, 100)}`) : undefined;
    case "eval.done": {
      const dims = event.dimensions.map((d) => `${d.dimension}=${scoreColour(d.score, view)((d.score * 10).toFixed(1))}`).join(" ");
      return `${tag("EVAL")} ${dims} → score ${scoreColour(event.score, view)(event.score.toFixed(2))}${event.incremental ? " (incremental)" : ""}`;
    }
    case "eval.skipped":
      return `${tag("EVAL")} skipped: ${event.reason}`;
    case "refine.started": {
      const first = event.feedback.split("\n")[0] ?? "";
      const more = event.feedback.split("\n").length - 1;
      return `${tag("REFN")} ${first.replace(/^- /, "")}${more > 0 ? ` (+${more} more)` : ""}`;
    }
    case "budget.warning":
      return paint.yellow(`[WARN] ${event.message}`);
    case "task.completed":
      return completedLines(event, view);
    case "task.failed":
      return paint.red(`✗ Failed: ${event.message}`);
    case "task.cancelled":
      return paint.red(`✗ Cancelled: ${event.reason} (${plural(event.iterations, "iteration")}, ${plural(event.filesChanged.length, "file")} changed)`);
    default:
      return undefined;
  }
}

/** The spinner's words for the moment after an event; undefined leaves them as they are. */
function spinnerStatus(event: TaskEvent, iteration: string): string | undefined {
  switch (event.type) {
    case "task.started":
      return "planning";
    case "iteration.started":
    case "tool.result":
    case "eval.done":
      return iteration;
    case "tool.called":
      return `${iteration} · ${event.name}`;
    default:
      return undefined;
  }
}

export interface ProgressSinkOptions {
  write?: (text: string) => void;
  /** Colours (default: on a terminal without NO_COLOR). */
  colour?: boolean;
  /** A spinner line between events (default: on a terminal). */
  spinner?: boolean;
  now?: () => number;
  ticker?: Ticker;
}

export function createProgressSink(options: ProgressSinkOptions = {}): EventSink {
  const write = options.write ?? ((t: string) => void process.stderr.write(t));
  const paint = createPaint(options.colour ?? colourEnabled(process.stderr, process.env));
  const useSpinner = options.spinner ?? isInteractive(process.stderr, process.env);
  const spinner: Spinner | undefined = useSpinner ? createSpinner({ write, now: options.now, ticker: options.ticker, dim: paint.dim }) : undefined;
  const view: ProgressView = { paint, threshold: 0.8, evaluated: true };
  const unpriced = new Set<string>();
  let iteration = "working";
  return (event) => {
    if (event.type === "task.started") Object.assign(view, { threshold: event.qualityThreshold, evaluated: event.maxIterations > 0 });
    if (event.type === "iteration.started") iteration = `iteration ${event.iteration}/${event.maxIterations}`;
    if (event.type === "usage.recorded" && !event.priced) unpriced.add(formatModelRef(event));
    const terminal = isTerminal(event);
    if (terminal) spinner?.stop();
    const line = formatProgress(event, view);
    const text = line === undefined ? undefined : `${line}\n`;
    if (spinner && !terminal) spinner.show(text, spinnerStatus(event, iteration));
    else if (text) write(text);
    if (event.type === "task.completed" && unpriced.size > 0) {
      write(paint.dim(`       (no price known for ${[...unpriced].join(", ")}: its calls count as $0 — the cost above is a lower bound)\n`));
    }
  };
}
