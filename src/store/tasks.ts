import type Database from "better-sqlite3";
import { UsageError } from "../core/errors.js";
import type { Decision, DimensionScore, Finding, Phase } from "../core/events.js";
import { FINAL_STATUSES, type TaskOptions, type TaskRequest, type TaskStatus } from "../core/task.js";

export interface TaskTimings {
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
}

export interface TaskRecord {
  id: string;
  request: TaskRequest;
  status: TaskStatus;
  phase?: Phase;
  /** The model actually used (from task.started), else the one requested. */
  model?: string;
  concurrencyKey?: string;
  idempotencyKey?: string;
  attempts: number;
  iterations: number;
  score?: number;
  bestScore?: number;
  decision?: Decision;
  costUsd: number;
  tokens: number;
  filesChanged: string[];
  output?: string;
  error?: { code: string; message: string };
  timings: TaskTimings;
  /** The last stored event's seq: a re-run's emitter must start here, or its events are dropped as duplicates. */
  lastSeq: number;
}

export interface IterationRecord {
  iteration: number;
  score?: number;
  decision?: Decision;
  durationMs?: number;
  costUsd?: number;
  dimensions: DimensionScore[];
}

export type FindingRecord = Finding & { iteration: number };

export interface TaskDetail {
  task: TaskRecord;
  iterations: IterationRecord[];
  findings: FindingRecord[];
}

export interface TaskListQuery {
  status?: TaskStatus;
  limit?: number;
  cursor?: string;
}

export interface TaskRow {
  id: string;
  description: string;
  status: TaskStatus;
  origin_json: string;
  workspace: string;
  options_json: string;
  metadata_json: string | null;
  context: string | null;
  model: string | null;
  concurrency_key: string | null;
  idempotency_key: string | null;
  attempts: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  score: number | null;
  best_score: number | null;
  iterations: number;
  decision: string | null;
  cost_usd: number;
  tokens: number;
  files_changed_json: string;
  output: string | null;
  error_code: string | null;
  error_message: string | null;
  phase: string | null;
  last_seq: number;
}

/** SQL for "this status is final", shared by every guarded update. */
export const IS_FINAL_SQL = `status IN (${FINAL_STATUSES.map((s) => `'${s}'`).join(", ")})`;

export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  return text == null ? fallback : (JSON.parse(text) as T);
}

export function rowToRequest(row: TaskRow): TaskRequest {
  const request: TaskRequest = {
    id: row.id,
    description: row.description,
    options: parseJson<TaskOptions>(row.options_json, { maxIterations: 3, qualityThreshold: 0.8 }),
    origin: parseJson<TaskRequest["origin"]>(row.origin_json, { kind: "cli" }),
    workspace: row.workspace,
  };
  if (row.context !== null) request.history = row.context;
  if (row.metadata_json !== null) request.metadata = parseJson<Record<string, unknown>>(row.metadata_json, {});
  return request;
}

function timings(row: TaskRow): TaskTimings {
  const result: TaskTimings = { createdAt: row.created_at };
  if (row.started_at) result.startedAt = row.started_at;
  if (row.finished_at) result.finishedAt = row.finished_at;
  if (row.started_at && row.finished_at) result.durationMs = Date.parse(row.finished_at) - Date.parse(row.started_at);
  return result;
}

export function rowToRecord(row: TaskRow): TaskRecord {
  return {
    id: row.id,
    request: rowToRequest(row),
    status: row.status,
    phase: (row.phase ?? undefined) as Phase | undefined,
    model: row.model ?? undefined,
    concurrencyKey: row.concurrency_key ?? undefined,
    idempotencyKey: row.idempotency_key ?? undefined,
    attempts: row.attempts,
    iterations: row.iterations,
    score: row.score ?? undefined,
    bestScore: row.best_score ?? undefined,
    decision: (row.decision ?? undefined) as Decision | undefined,
    costUsd: row.cost_usd,
    tokens: row.tokens,
    filesChanged: parseJson<string[]>(row.files_changed_json, []),
    output: row.output ?? undefined,
    error: row.error_code ? { code: row.error_code, message: row.error_message ?? "" } : undefined,
    timings: timings(row),
    lastSeq: row.last_seq,
  };
}

export interface NewTask {
  status: "queued" | "running";
  runner: "queue" | "direct";
  at: string;
  concurrencyKey?: string;
  idempotencyKey?: string;
  /** Who queued it (per-submitter queue limits). */
  submitter?: string;
}

/** Returns an inserter; a `direct` task (run in-process by the CLI) records its pid so recovery can tell it from a crash. */
export function createTaskInserter(db: Database.Database): (request: TaskRequest, init: NewTask) => void {
  const insert = db.prepare(`INSERT INTO tasks (id, description, status, origin_kind, origin_json, workspace,
    options_json, metadata_json, context, model, concurrency_key, idempotency_key, submitter, runner, runner_pid, attempts,
    created_at, started_at)
    VALUES (@id, @description, @status, @originKind, @originJson, @workspace, @optionsJson, @metadataJson, @context,
    @model, @concurrencyKey, @idempotencyKey, @submitter, @runner, @runnerPid, @attempts, @createdAt, @startedAt)`);
  return (request, init) => {
    const running = init.status === "running";
    insert.run({
      id: request.id,
      description: request.description,
      status: init.status,
      originKind: request.origin.kind,
      originJson: JSON.stringify(request.origin),
      workspace: request.workspace,
      optionsJson: JSON.stringify(request.options),
      metadataJson: request.metadata === undefined ? null : JSON.stringify(request.metadata),
      context: request.history ?? null,
      model: request.options.model ?? null,
      concurrencyKey: init.concurrencyKey ?? null,
      idempotencyKey: init.idempotencyKey ?? null,
      submitter: init.submitter ?? null,
      runner: init.runner,
      runnerPid: init.runner === "direct" ? process.pid : null,
      attempts: running ? 1 : 0,
      createdAt: init.at,
      startedAt: running ? init.at : null,
    });
  };
}

function encodeCursor(row: { created_at: string; rid: number }): string {
  return Buffer.from(JSON.stringify([row.created_at, row.rid])).toString("base64url");
}

function decodeCursor(cursor: string): { at: string; rid: number } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(value) && typeof value[0] === "string" && typeof value[1] === "number") {
      return { at: value[0], rid: value[1] };
    }
  } catch {
    // fall through to the error below
  }
  throw new UsageError("Invalid cursor: pass back the nextCursor of the previous page unchanged");
}

interface IterationRow {
  iteration: number;
  score: number | null;
  decision: string | null;
  duration_ms: number | null;
  cost_usd: number | null;
  dimensions_json: string | null;
}

interface FindingRow {
  iteration: number;
  finding_id: string;
  severity: Finding["severity"];
  dimension: string;
  title: string;
  description: string;
  fix: string | null;
}

function toIteration(row: IterationRow): IterationRecord {
  return {
    iteration: row.iteration,
    score: row.score ?? undefined,
    decision: (row.decision ?? undefined) as Decision | undefined,
    durationMs: row.duration_ms ?? undefined,
    costUsd: row.cost_usd ?? undefined,
    dimensions: parseJson<DimensionScore[]>(row.dimensions_json, []),
  };
}

function toFinding(row: FindingRow): FindingRecord {
  const finding: FindingRecord = {
    iteration: row.iteration,
    id: row.finding_id,
    severity: row.severity,
    dimension: row.dimension,
    title: row.title,
    description: row.description,
  };
  if (row.fix !== null) finding.fix = row.fix;
  return finding;
}

export function createTaskReader(db: Database.Database) {
  // The last event's seq is read from the events themselves: no per-event write to the task row.
  const lastSeq = "(SELECT COALESCE(MAX(seq), 0) FROM task_events AS e WHERE e.task_id = tasks.id) AS last_seq";
  const byId = db.prepare(`SELECT *, ${lastSeq} FROM tasks WHERE id = ?`);
  const page = db.prepare(`SELECT rowid AS rid, *, ${lastSeq} FROM tasks
    WHERE (@status IS NULL OR status = @status)
      AND (@at IS NULL OR created_at < @at OR (created_at = @at AND rowid < @rid))
    ORDER BY created_at DESC, rowid DESC LIMIT @limit`);
  const iterations = db.prepare("SELECT * FROM task_iterations WHERE task_id = ? ORDER BY iteration");
  const findings = db.prepare("SELECT * FROM findings WHERE task_id = ? ORDER BY iteration, id");

  const get = (id: string): TaskRecord | undefined => {
    const row = byId.get(id) as TaskRow | undefined;
    return row && rowToRecord(row);
  };

  const detail = (id: string): TaskDetail | undefined => {
    const task = get(id);
    if (!task) return undefined;
    return {
      task,
      iterations: (iterations.all(id) as IterationRow[]).map(toIteration),
      findings: (findings.all(id) as FindingRow[]).map(toFinding),
    };
  };

  /** Most recent first; the cursor is opaque to callers. */
  const list = (q: TaskListQuery = {}): { tasks: TaskRecord[]; nextCursor?: string } => {
    const limit = Math.min(Math.max(Math.trunc(q.limit ?? 50), 1), 500);
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    const rows = page.all({ status: q.status ?? null, at: after?.at ?? null, rid: after?.rid ?? null, limit: limit + 1 }) as Array<TaskRow & { rid: number }>;
    const shown = rows.slice(0, limit);
    const last = shown.at(-1);
    const result: { tasks: TaskRecord[]; nextCursor?: string } = { tasks: shown.map(rowToRecord) };
    if (rows.length > limit && last) result.nextCursor = encodeCursor(last);
    return result;
  };

  return { get, detail, list };
}
