import type { Decision } from "../core/events.js";

export interface StopInput {
  iteration: number;
  maxIterations: number;
  score: number;
  previousScore: number | undefined;
  threshold: number;
  toolLoopTripped: boolean;
  abortOnRegression: boolean;
  regressionThreshold: number;
}

/** The one pass rule: a score reaching the threshold passes (so a threshold of 0.8 accepts exactly 0.8). */
export function passes(score: number, threshold: number): boolean {
  return score >= threshold;
}

type StopRule = (s: StopInput) => Decision | undefined;

/** Stop rules as small predicates, checked in order; none matching means refine and go again. */
const rules: StopRule[] = [
  (s) => (s.toolLoopTripped ? "abort_tool_loop" : undefined),
  (s) => (passes(s.score, s.threshold) ? "accept" : undefined),
  (s) => (s.abortOnRegression && s.previousScore !== undefined && s.previousScore - s.score > s.regressionThreshold ? "abort_regression" : undefined),
  (s) => (s.iteration >= s.maxIterations ? "accept_best" : undefined),
];

export function decide(input: StopInput): Decision {
  for (const rule of rules) {
    const decision = rule(input);
    if (decision) return decision;
  }
  return "continue";
}
