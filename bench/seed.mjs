// Seeds a store with N completed API tasks (9 events, 2 usage rows, 1 iteration each) spread over the last 30 days, in
// bulk SQL inside one transaction. It writes the tables directly, as the event projection would have left them: a
// table kept up by application code rather than by a trigger (a rollup, say) must be filled here too.
import { openDatabase } from "../dist/store/index.js";

const DAYS = 30;
const SECOND = 1 / 86400;

// Each task's events: seq, type, seconds after the task was created, and the type's own fields.
const EVENTS = [
  [1, "task.queued", 0, { description: "seeded task" }],
  [2, "task.started", 0.05, { description: "seeded task", model: "@model", maxIterations: 3, qualityThreshold: 0.8, workspace: "/tmp/openkoi-seed" }],
  [3, "usage.recorded", 1, { phase: "plan", provider: "@provider", model: "@bare", inputTokens: 900, outputTokens: 100, costUsd: 0.003, priced: true }],
  [4, "plan.ready", 1, { plan: { steps: ["Do the task"], files: [] } }],
  [5, "iteration.started", 1.1, { iteration: 1, maxIterations: 3 }],
  [6, "usage.recorded", 7, { phase: "evaluate", provider: "@provider", model: "@bare", inputTokens: 1800, outputTokens: 200, costUsd: 0.006, priced: true }],
  [7, "eval.done", 7, { iteration: 1, score: 0.9, dimensions: [], findings: [], evaluator: "general", incremental: false }],
  [8, "iteration.done", 7.1, { iteration: 1, score: 0.9, decision: "accept", durationMs: 6000, costUsd: 0.009 }],
  [
    9,
    "task.completed",
    8,
    {
      output: "Done.",
      score: 0.9,
      iterations: 1,
      decision: "accept",
      filesChanged: [],
      costUsd: 0.009,
      tokens: 3000,
      durationMs: 8000,
      passed: true,
      dimensions: [],
    },
  ],
];

const iso = (julian) => `strftime('%Y-%m-%dT%H:%M:%fZ', ${julian})`;

/** One row per task: its id, when it was created (Julian day, the oldest 30 days ago) and its model (two of three on OpenAI). */
function seedTable(db, n) {
  db.exec(`DROP TABLE IF EXISTS temp.seed; CREATE TEMP TABLE seed (i INTEGER PRIMARY KEY, id TEXT, t REAL, provider TEXT, bare TEXT)`);
  db.prepare(`INSERT INTO temp.seed WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < @n - 1)
    SELECT i, printf('%08x-5eed-4000-8000-%012x', i, i), julianday(@now) - ${DAYS} + ${DAYS}.0 * i / @n,
      CASE WHEN i % 3 = 2 THEN 'anthropic' ELSE 'openai' END, CASE WHEN i % 3 = 2 THEN 'claude-sonnet-4' ELSE 'gpt-4.1' END FROM n`).run({
    n,
    now: new Date().toISOString(),
  });
}

function seedTasks(db) {
  db.exec(`INSERT INTO tasks (id, description, status, origin_kind, origin_json, workspace, options_json, model, concurrency_key,
      submitter, runner, attempts, created_at, started_at, finished_at, score, best_score, iterations, decision, cost_usd, tokens,
      output, phase)
    SELECT id, 'seeded task', 'completed', 'api', '{"kind":"api"}', '/tmp/openkoi-seed',
      '{"maxIterations":3,"qualityThreshold":0.8,"grants":["read","write","shell","network"]}', provider || '/' || bare,
      'workspace:/tmp/openkoi-seed', 'api:127.0.0.1', 'queue', 1, ${iso("t")}, ${iso(`t + 0.05 * ${SECOND}`)}, ${iso(`t + 8 * ${SECOND}`)},
      0.9, 0.9, 1, 'accept', 0.009, 3000, 'Done.', 'evaluate'
    FROM temp.seed ORDER BY i`);
  db.exec(`INSERT INTO task_iterations (task_id, iteration, score, decision, duration_ms, cost_usd, dimensions_json)
    SELECT id, 1, 0.9, 'accept', 6000, 0.009, '[]' FROM temp.seed ORDER BY i`);
}

function seedEvents(db) {
  db.exec("DROP TABLE IF EXISTS temp.seed_events; CREATE TEMP TABLE seed_events (seq INTEGER, type TEXT, dt REAL, body TEXT)");
  const insert = db.prepare("INSERT INTO temp.seed_events VALUES (?, ?, ?, ?)");
  for (const [seq, type, dt, body] of EVENTS) insert.run(seq, type, dt, JSON.stringify(body));
  db.exec(`INSERT INTO task_events (task_id, seq, type, at, data_json)
    SELECT s.id, e.seq, e.type, ${iso(`s.t + e.dt * ${SECOND}`)},
      json_patch(replace(replace(replace(e.body, '"@model"', json_quote(s.provider || '/' || s.bare)), '"@provider"', json_quote(s.provider)), '"@bare"', json_quote(s.bare)),
        json_object('taskId', s.id, 'seq', e.seq, 'at', ${iso(`s.t + e.dt * ${SECOND}`)}, 'type', e.type))
    FROM temp.seed AS s CROSS JOIN temp.seed_events AS e ORDER BY s.i, e.seq`);
  db.exec(`INSERT INTO usage (task_id, phase, provider, model, input_tokens, output_tokens, cost_usd, priced, at)
    SELECT s.id, json_extract(e.body, '$.phase'), s.provider, s.bare, json_extract(e.body, '$.inputTokens'),
      json_extract(e.body, '$.outputTokens'), json_extract(e.body, '$.costUsd'), 1, ${iso(`s.t + e.dt * ${SECOND}`)}
    FROM temp.seed AS s CROSS JOIN temp.seed_events AS e WHERE e.type = 'usage.recorded' ORDER BY s.i, e.seq`);
}

/** Creates (migrating) the database at `path` and fills it with `n` completed tasks; returns the seconds it took. */
export function seedStore(path, n) {
  const start = process.hrtime.bigint();
  const db = openDatabase(path);
  try {
    // A rollback journal holds only the (empty) pages a bulk insert changes; WAL would write every new page twice.
    db.pragma("journal_mode = DELETE");
    db.pragma("synchronous = OFF");
    db.transaction(() => {
      seedTable(db, n);
      seedTasks(db);
      seedEvents(db);
    }).immediate();
    db.exec("DROP TABLE temp.seed; DROP TABLE temp.seed_events");
    db.pragma("journal_mode = WAL");
  } finally {
    db.close();
  }
  return Number(process.hrtime.bigint() - start) / 1e9;
}
