import type { TaskDetail, TaskRecord } from "../store/index.js";

/** The API's JSON shapes (snake_case, as the original's API used). */
export function taskSummaryJson(t: TaskRecord) {
  return {
    id: t.id,
    status: t.status,
    description: t.request.description,
    origin: t.request.origin.kind,
    model: t.model ?? t.request.options.model ?? null,
    phase: t.phase ?? null,
    iterations: t.iterations,
    score: t.score ?? null,
    cost_usd: t.costUsd,
    tokens: t.tokens,
    created_at: t.timings.createdAt,
    finished_at: t.timings.finishedAt ?? null,
  };
}

export function taskDetailJson(d: TaskDetail) {
  const t = d.task;
  return {
    ...taskSummaryJson(t),
    max_iterations: t.request.options.maxIterations,
    quality_threshold: t.request.options.qualityThreshold,
    workspace: t.request.workspace,
    metadata: t.request.metadata ?? {},
    decision: t.decision ?? null,
    best_score: t.bestScore ?? null,
    attempts: t.attempts,
    iteration_details: d.iterations.map((i) => ({
      iteration: i.iteration,
      score: i.score ?? null,
      decision: i.decision ?? null,
      duration_ms: i.durationMs ?? null,
      cost_usd: i.costUsd ?? null,
      scores: Object.fromEntries(i.dimensions.map((dim) => [dim.dimension, dim.score])),
    })),
    findings: d.findings.map((f) => ({
      iteration: f.iteration,
      id: f.id,
      severity: f.severity,
      dimension: f.dimension,
      title: f.title,
      description: f.description,
      fix: f.fix ?? null,
    })),
    files_changed: t.filesChanged,
    result: t.output ?? null,
    error: t.error ?? null,
    timings: {
      created_at: t.timings.createdAt,
      started_at: t.timings.startedAt ?? null,
      finished_at: t.timings.finishedAt ?? null,
      duration_ms: t.timings.durationMs ?? null,
    },
  };
}
