import type { Decision, TaskEventBody } from "../core/events.js";

/** Circuit-breaker limits. Nothing the model, a skill or a prompt says can raise them. */
export interface Limits {
  tokenBudget: number;
  maxCostUsd: number;
  timeoutSeconds: number;
  warningRatio: number;
  toolLoop: { warning: number; critical: number; circuitBreaker: number };
  abortOnRegression: boolean;
  regressionThreshold: number;
  skipEvalConfidence: number;
}

export class BudgetExceeded extends Error {
  constructor(
    readonly decision: Extract<Decision, "abort_budget" | "abort_timeout">,
    message: string,
  ) {
    super(message);
  }
}

/** Spend tracking plus the checks run between every model and tool call, not only after an iteration. */
export function createBudget(limits: Limits, emit: (body: TaskEventBody) => void, now: () => number = Date.now) {
  const startedAt = now();
  let tokens = 0;
  let costUsd = 0;
  const warned = new Set<string>();

  const warnOnce = (kind: "cost" | "tokens" | "time", used: number, limit: number) => {
    if (warned.has(kind) || used < limit * limits.warningRatio || used >= limit) return;
    warned.add(kind);
    const pct = Math.round((used / limit) * 100);
    emit({ type: "budget.warning", kind, used, limit, message: `${kind} budget ${pct}% used (${used.toFixed(kind === "cost" ? 4 : 0)} of ${limit})` });
  };

  return {
    record(usage: { tokens: number; costUsd: number }) {
      tokens += usage.tokens;
      costUsd += usage.costUsd;
      warnOnce("tokens", tokens, limits.tokenBudget);
      warnOnce("cost", costUsd, limits.maxCostUsd);
    },
    /** Throws BudgetExceeded when a breaker trips. */
    check() {
      const elapsedS = (now() - startedAt) / 1000;
      warnOnce("time", elapsedS, limits.timeoutSeconds);
      if (tokens >= limits.tokenBudget) throw new BudgetExceeded("abort_budget", `Token budget exhausted: ${tokens} of ${limits.tokenBudget} tokens used`);
      if (costUsd >= limits.maxCostUsd)
        throw new BudgetExceeded("abort_budget", `Cost limit reached: $${costUsd.toFixed(4)} of $${limits.maxCostUsd.toFixed(2)}`);
      if (elapsedS >= limits.timeoutSeconds)
        throw new BudgetExceeded("abort_timeout", `Time limit reached: ${Math.round(elapsedS)} s of ${limits.timeoutSeconds} s`);
    },
    get tokens() {
      return tokens;
    },
    get costUsd() {
      return costUsd;
    },
    elapsedMs: () => now() - startedAt,
  };
}

export type Budget = ReturnType<typeof createBudget>;
