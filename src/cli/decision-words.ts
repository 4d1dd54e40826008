import type { Decision } from "../core/events.js";

/** The loop's decisions (`accept_best`, `abort_timeout`, …) in the words a user reads. */
const WORDS: Record<Decision, string> = {
  continue: "refining",
  accept: "reached the quality threshold",
  accept_best: "no attempt reached the threshold in the iterations allowed; the best one is kept",
  skip_eval: "the output stopped changing",
  abort_budget: "stopped by the token or cost budget; the best attempt is kept",
  abort_timeout: "stopped by the time limit; the best attempt is kept",
  abort_regression: "stopped because the score dropped sharply; the best attempt is kept",
  abort_tool_loop: "stopped after too many tool calls in one attempt; the best attempt is kept",
};

export function decisionWords(decision: Decision): string {
  return WORDS[decision];
}

/** For state files, whose last decision may also be "pending", "cancelled" or an error code: known decisions in words, the rest as they are. */
export function describeDecision(value: string): string {
  return Object.hasOwn(WORDS, value) ? WORDS[value as Decision] : value;
}
