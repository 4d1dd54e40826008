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

/** A cut at `max` code points, flagged; the task's own endpoint (taskDetailJson) has the whole text. */
export function truncatedText(text: string, max: number): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  const points = [...text.slice(0, max * 2)];
  if (points.length <= max && text.length <= max * 2) return { text, truncated: false };
  return { text: `${points.slice(0, max).join("")}…`, truncated: true };
}

/** A listing's item: bounded whatever the task holds (60 tasks of 900 KB once made one listing 27 MB). */
export function taskListItemJson(t: TaskRecord, maxDescriptionChars: number) {
  const { text, truncated } = truncatedText(t.request.description, maxDescriptionChars);
  return { ...taskSummaryJson(t), description: text, description_truncated: truncated };
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
