import { childAbort } from "../core/abort.js";
import { CancelledError, errorMessage, InterruptedError, OpenKoiError } from "../core/errors.js";
import type { Decision, DimensionScore, TaskEventBody } from "../core/events.js";
import { formatModelRef } from "../core/model.js";
import type { TaskRequest } from "../core/task.js";
import { BudgetExceeded, createBudget, type Limits } from "./budget.js";
import { type Evaluation, evaluate, feedbackFrom, readChangedFiles } from "./evaluate.js";
import { execute, fingerprint } from "./execute.js";
import { makePlan, revisePlan } from "./plan.js";
import { BEGIN_MESSAGE, executorSystemPrompt, refineMessage } from "./prompts/execute.js";
import { createFileHistory, type Snapshot } from "./snapshots.js";
import { decide, passes } from "./stop-rules.js";
import type { AgentDeps, HeldAction, RunContext } from "./types.js";

interface Attempt {
  iteration: number;
  /** Side effects this attempt asked for while they are held until the work passes. */
  held: HeldAction[];
  /** The tracked files as this attempt left them. */
  snapshot: Snapshot;
  output: string;
  fingerprint: string;
  text: string;
  evaluation?: Evaluation;
  score: number;
}

export function limitsFor(request: TaskRequest, base: Limits): Limits {
  const b = request.options.budgets ?? {};
  // A request may only tighten the breakers, never loosen them.
  return {
    ...base,
    tokenBudget: Math.min(base.tokenBudget, b.tokenBudget ?? Number.POSITIVE_INFINITY),
    maxCostUsd: Math.min(base.maxCostUsd, b.maxCostUsd ?? Number.POSITIVE_INFINITY),
    timeoutSeconds: Math.min(base.timeoutSeconds, b.timeoutSeconds ?? Number.POSITIVE_INFINITY),
  };
}

/**
 * The agent: Plan → Execute → Evaluate → Refine until the threshold or a budget stops it.
 * It talks to the world only through tools and the events it emits; it always ends with exactly one terminal event.
 */
export async function runAgent(request: TaskRequest, deps: AgentDeps, emit: (body: TaskEventBody) => void, signal: AbortSignal): Promise<TaskEventBody> {
  const limits = limitsFor(request, deps.limits);
  const budget = createBudget(limits, emit);
  // The wall-clock breaker also cuts an in-flight model call or shell command short, not only the next boundary.
  const stop = childAbort(signal);
  const timer = setTimeout(
    () => stop.abort(new BudgetExceeded("abort_timeout", `Time limit reached: ${limits.timeoutSeconds} s`)),
    limits.timeoutSeconds * 1000,
  );
  const ctx: RunContext = {
    request,
    deps: { ...deps, limits },
    emit,
    budget,
    signal: stop.signal,
    files: createFileHistory(request.workspace),
  };
  const { maxIterations, qualityThreshold } = request.options;
  const filesChanged = new Set<string>();
  let best: Attempt | undefined;
  let iterations = 0;
  emit({
    type: "task.started",
    description: request.description,
    model: formatModelRef(deps.executor.ref),
    maxIterations,
    qualityThreshold,
    workspace: request.workspace,
  });

  const finish = (decision: Decision): TaskEventBody => {
    const dimensions: DimensionScore[] = best?.evaluation?.dimensions ?? [];
    const score = best?.score ?? 0;
    return {
      type: "task.completed",
      output: best?.output ?? "",
      score,
      iterations,
      decision,
      filesChanged: [...filesChanged],
      costUsd: budget.costUsd,
      tokens: budget.tokens,
      durationMs: budget.elapsedMs(),
      passed: maxIterations === 0 || passes(score, qualityThreshold),
      dimensions,
    };
  };

  let terminal: TaskEventBody;
  try {
    let plan = await makePlan(ctx);
    emit({ type: "plan.ready", plan });
    let last: Attempt | undefined;
    let feedback = "";
    let decision: Decision = "continue";
    const runs = Math.max(1, maxIterations);
    for (let i = 1; i <= runs && decision === "continue"; i++) {
      const started = Date.now();
      iterations = i;
      emit({ type: "iteration.started", iteration: i, maxIterations: runs });
      const messages = last ? [{ role: "user" as const, content: refineMessage(last.output, feedback) }] : [{ role: "user" as const, content: BEGIN_MESSAGE }];
      const heldBefore = deps.heldActions?.().length ?? 0;
      const exec = await execute(ctx, i, executorSystemPrompt(request, plan, deps.guidance), messages);
      for (const f of exec.filesChanged) filesChanged.add(f);
      const files = readChangedFiles(request.workspace, [...filesChanged]);
      const output = exec.actions.length ? `${exec.output}\n\nActions taken:\n${exec.actions.map((a) => `- ${a}`).join("\n")}` : exec.output;
      const attempt: Attempt = {
        iteration: i,
        output: exec.output,
        fingerprint: fingerprint(output, files),
        text: [output, ...files.map((f) => `${f.path}\n${f.content}`)].join("\n"),
        score: 0,
        held: deps.heldActions?.().slice(heldBefore) ?? [],
        snapshot: ctx.files.snapshot(),
      };
      if (maxIterations === 0) {
        decision = "accept";
      } else {
        if (last?.evaluation && last.fingerprint === attempt.fingerprint) {
          attempt.evaluation = last.evaluation;
          emit({ type: "eval.skipped", iteration: i, reason: "output unchanged since the last evaluation" });
        } else {
          const previous = last?.evaluation ? { evaluation: last.evaluation, text: last.text } : undefined;
          const evaluation = await evaluate(ctx, { output, files, text: attempt.text }, previous);
          attempt.evaluation = evaluation;
          emit({
            type: "eval.done",
            iteration: i,
            score: evaluation.score,
            dimensions: evaluation.dimensions,
            findings: evaluation.findings,
            evaluator: deps.rubric.name,
            incremental: evaluation.incremental,
          });
        }
        attempt.score = attempt.evaluation.score;
        decision = decide({
          iteration: i,
          maxIterations: runs,
          score: attempt.score,
          previousScore: last?.score,
          threshold: qualityThreshold,
          toolLoopTripped: exec.toolLoopTripped,
          abortOnRegression: limits.abortOnRegression,
          regressionThreshold: limits.regressionThreshold,
        });
      }
      if (!best || attempt.score >= best.score) best = attempt;
      emit({ type: "iteration.done", iteration: i, score: attempt.score, decision, durationMs: Date.now() - started, costUsd: budget.costUsd });
      if (decision === "continue" && attempt.evaluation) {
        feedback = feedbackFrom(attempt.evaluation);
        plan = revisePlan(plan, attempt.evaluation.findings);
        emit({ type: "refine.started", iteration: i, feedback });
      }
      last = attempt;
    }
    if (best && last && best !== last) {
      const restored = ctx.files.restore(best.snapshot);
      if (restored.length) best.output += `\n\n[Kept iteration ${best.iteration}'s version of ${restored.join(", ")}: it scored higher than the last attempt.]`;
    }
    const passed = maxIterations === 0 || passes(best?.score ?? 0, qualityThreshold);
    await releaseHeld(ctx, iterations, passed, best);
    terminal = finish(decision);
  } catch (error) {
    const timedOut = stop.signal.reason instanceof BudgetExceeded && !signal.aborted;
    terminal = failure(timedOut ? stop.signal.reason : error, signal, best !== undefined, finish, iterations, filesChanged);
  }
  clearTimeout(timer);
  stop.release();
  emit(terminal);
  return terminal;
}

/** Runs the side effects held until the work passed review; drops them (and says so) when it did not. */
async function releaseHeld(ctx: RunContext, iteration: number, passed: boolean, best: Attempt | undefined): Promise<void> {
  // Only the accepted attempt's actions run: an earlier, rejected attempt's email is never sent.
  const held = best?.held ?? [];
  if (held.length === 0) return;
  if (!passed) {
    if (best) best.output += `\n\n[${held.length} held action(s) not run: the work did not pass review: ${held.map((h) => h.name).join(", ")}]`;
    return;
  }
  for (const action of held) {
    ctx.emit({ type: "tool.called", iteration, callId: action.callId, name: action.name, input: action.input });
    const result = await action.run().catch((error: unknown) => ({ output: `Error: ${errorMessage(error)}`, isError: true, filesChanged: [] }));
    ctx.emit({
      type: "tool.result",
      iteration,
      callId: action.callId,
      name: action.name,
      output: result.output.slice(0, 2000),
      isError: result.isError ?? false,
      filesChanged: result.filesChanged ?? [],
    });
  }
}

function failure(
  error: unknown,
  signal: AbortSignal,
  hasBest: boolean,
  finish: (d: Decision) => TaskEventBody,
  iterations: number,
  files: Set<string>,
): TaskEventBody {
  if (signal.reason instanceof InterruptedError) {
    return { type: "task.interrupted", reason: signal.reason.message, iterations, filesChanged: [...files] };
  }
  if (error instanceof CancelledError || signal.aborted) {
    const reason = signal.reason instanceof Error ? signal.reason.message : typeof signal.reason === "string" ? signal.reason : "cancelled";
    return { type: "task.cancelled", reason, iterations, filesChanged: [...files] };
  }
  if (error instanceof BudgetExceeded) {
    return hasBest ? finish(error.decision) : { type: "task.failed", code: error.decision.toUpperCase(), message: error.message };
  }
  const code = error instanceof OpenKoiError ? error.code : "INTERNAL";
  return { type: "task.failed", code, message: errorMessage(error) };
}
