import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { DimensionScore, Finding, Severity } from "../core/events.js";
import type { ChatMessage } from "../core/model.js";
import { callModel } from "./model-call.js";
import { judgeSystemPrompt, judgeUserMessage, submitEvaluationTool } from "./prompts/evaluate.js";
import type { RunContext } from "./types.js";

/** A project check (tests, linter) as an evaluation dimension. */
export interface CheckResult {
  dimension: DimensionScore;
  findings: Finding[];
  passed: boolean;
  summary: string;
}

export interface Evaluation {
  score: number;
  dimensions: DimensionScore[];
  findings: Finding[];
  /** The judge's dimensions alone, reused by incremental re-evaluation. */
  judged: DimensionScore[];
  judgedFindings: Finding[];
}

const MAX_FILE_CHARS = 20_000;
const MAX_TOTAL_CHARS = 60_000;

/** Current content of the files an attempt changed, bounded for the judge's prompt. */
export function readChangedFiles(workspace: string, paths: string[]): Array<{ path: string; content: string }> {
  let budget = MAX_TOTAL_CHARS;
  return paths.map((path) => {
    const file = join(workspace, path);
    if (!existsSync(file) || statSync(file).isDirectory()) return { path, content: "(deleted)" };
    let content = readFileSync(file, "utf8");
    const cap = Math.min(MAX_FILE_CHARS, Math.max(0, budget));
    if (content.length > cap) content = `${content.slice(0, cap)}\n… [${content.length - cap} more characters]`;
    budget -= content.length;
    return { path, content };
  });
}

export function weightedScore(dimensions: DimensionScore[]): number {
  if (dimensions.length === 0) return 0;
  const total = dimensions.reduce((s, d) => s + d.weight, 0);
  if (total <= 0) return dimensions.reduce((s, d) => s + d.score, 0) / dimensions.length;
  return dimensions.reduce((s, d) => s + d.score * d.weight, 0) / total;
}

const SEVERITIES: Severity[] = ["blocker", "important", "suggestion"];

function parseJudgement(ctx: RunContext, input: unknown): { dimensions: DimensionScore[]; findings: Finding[] } {
  const value = (input ?? {}) as { scores?: Record<string, unknown>; findings?: unknown };
  const scores = value.scores ?? {};
  const dimensions = ctx.deps.rubric.dimensions.map((d) => {
    const raw = Number(scores[d.name]);
    const score = Number.isFinite(raw) ? Math.min(10, Math.max(0, raw)) / 10 : 0;
    return { dimension: d.name, score, weight: d.weight };
  });
  const list = Array.isArray(value.findings) ? value.findings : [];
  const findings = list.flatMap((item, i): Finding[] => {
    const f = item as Record<string, unknown>;
    if (typeof f.title !== "string") return [];
    const severity = SEVERITIES.includes(f.severity as Severity) ? (f.severity as Severity) : "suggestion";
    return [
      {
        id: `F${i + 1}`,
        severity,
        dimension: String(f.dimension ?? "general"),
        title: f.title,
        description: String(f.description ?? ""),
        fix: typeof f.fix === "string" ? f.fix : undefined,
      },
    ];
  });
  return { dimensions, findings };
}

async function judge(ctx: RunContext, output: string, files: Array<{ path: string; content: string }>, checks: CheckResult[], previous?: Evaluation) {
  const tool = submitEvaluationTool(ctx.deps.rubric);
  const prompt: ChatMessage = {
    role: "user",
    content: judgeUserMessage({
      task: ctx.request.description,
      output,
      files,
      checks: checks.map((c) => (ctx.deps.redact ? ctx.deps.redact(c.summary) : c.summary)),
      previousFindings: previous?.judgedFindings ?? [],
    }),
  };
  const ask = (messages: ChatMessage[]) =>
    callModel(ctx, "evaluator", "evaluate", {
      system: judgeSystemPrompt(ctx.deps.rubric),
      messages,
      tools: [tool],
      toolChoice: tool.name,
      maxTokens: 2000,
      temperature: 0.1,
    });
  let response = await ask([prompt]);
  // Some models answer in prose despite the forced tool: ask once more before giving up.
  if (!response.toolCalls.some((c) => c.name === tool.name)) {
    response = await ask([
      prompt,
      { role: "assistant", content: response.text || "(no tool call)" },
      { role: "user", content: `Answer only by calling ${tool.name} with a score for every dimension.` },
    ]);
  }
  const call = response.toolCalls.find((c) => c.name === tool.name);
  if (!call) {
    const finding: Finding = {
      id: "E1",
      severity: "important",
      dimension: "judge",
      title: "The evaluator returned no structured scores",
      description: response.text.slice(0, 300),
    };
    return { dimensions: ctx.deps.rubric.dimensions.map((d) => ({ dimension: d.name, score: 0, weight: d.weight })), findings: [finding] };
  }
  return parseJudgement(ctx, call.input);
}

/** Share of lines that differ by position: small changes are re-evaluated incrementally. */
export function changeRatio(before: string, after: string): number {
  const a = before.split("\n");
  const b = after.split("\n");
  const n = Math.max(a.length, b.length);
  let differ = 0;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) differ++;
  return n === 0 ? 0 : differ / n;
}

/**
 * Pools the project's checks (tests 0.3, lint 0.2) with the judge's rubric dimensions (the remaining weight).
 * When the change since the last evaluation is small and the judge was already happy, only the checks re-run.
 */
export async function evaluate(
  ctx: RunContext,
  attempt: { output: string; files: Array<{ path: string; content: string }>; text: string },
  previous?: { evaluation: Evaluation; text: string },
): Promise<Evaluation & { incremental: boolean }> {
  const checks = (await Promise.all(ctx.deps.checks.map((check) => check(ctx.signal)))).filter((c): c is CheckResult => c !== undefined);
  const previousJudge = previous ? weightedScore(previous.evaluation.judged) : 0;
  const incremental = previous !== undefined && changeRatio(previous.text, attempt.text) <= 0.1 && previousJudge >= 0.9;
  const judged = incremental
    ? { dimensions: previous.evaluation.judged, findings: previous.evaluation.judgedFindings }
    : await judge(ctx, attempt.output, attempt.files, checks, previous?.evaluation);
  const checkWeight = checks.reduce((s, c) => s + c.dimension.weight, 0);
  const judgeTotal = judged.dimensions.reduce((s, d) => s + d.weight, 0) || 1;
  const scale = Math.max(0, 1 - checkWeight) / judgeTotal;
  const dimensions = [...checks.map((c) => c.dimension), ...judged.dimensions.map((d) => ({ ...d, weight: d.weight * scale }))];
  const findings = [...checks.flatMap((c) => c.findings), ...judged.findings];
  return { score: weightedScore(dimensions), dimensions, findings, judged: judged.dimensions, judgedFindings: judged.findings, incremental };
}

/** Refinement feedback: blockers first, then the findings of the weakest dimensions. */
export function feedbackFrom(evaluation: Evaluation): string {
  const rank = (f: Finding) => SEVERITIES.indexOf(f.severity) * 10 + (evaluation.dimensions.find((d) => d.dimension === f.dimension)?.score ?? 1);
  const top = [...evaluation.findings].sort((a, b) => rank(a) - rank(b)).slice(0, 8);
  if (top.length === 0) {
    const weakest = [...evaluation.dimensions].sort((a, b) => a.score - b.score)[0];
    return weakest ? `- Improve ${weakest.dimension} (scored ${(weakest.score * 10).toFixed(1)}/10).` : "- Improve the overall quality.";
  }
  return top.map((f) => `- [${f.severity.toUpperCase()}] ${f.title}: ${f.fix ?? f.description}`).join("\n");
}
