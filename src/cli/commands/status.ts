import { existsSync, readFileSync } from "node:fs";
import { type Paths, resolvePaths } from "../../config/paths.js";
import { readCurrentTask, readHistory } from "../../state/files.js";
import type { ParsedArgs } from "../args.js";
import { EXIT } from "../exit.js";
import { thousands } from "../format.js";

const money = (usd: number) => `$${usd.toFixed(4)}`;

type RawConfig = { models?: Record<string, unknown>; api?: { host?: unknown; port?: unknown; token?: unknown } };

/** config.toml read without validation: status must start fast (no zod) and still work with a broken config. */
async function peekConfig(file: string): Promise<RawConfig> {
  if (!existsSync(file)) return {};
  try {
    const { parse } = await import("smol-toml");
    return parse(readFileSync(file, "utf8")) as RawConfig;
  } catch {
    return {};
  }
}

const str = (v: unknown) => (typeof v === "string" ? v : undefined);

/** Cost by model and day from the database (opened read-only: status never writes or migrates). */
async function databaseDetails(paths: Paths, verbose: boolean): Promise<string[]> {
  const lines: string[] = [];
  if (verbose) lines.push("", `Config: ${paths.configFile}`, `Data:   ${paths.dataDir}`, `State:  ${paths.stateDir}`);
  if (!existsSync(paths.database)) return [...lines, "", `No database yet (${paths.database}).`];
  const { default: Database } = await import("better-sqlite3");
  const { createCostSummary } = await import("../../store/usage.js");
  const db = new Database(paths.database, { readonly: true, fileMustExist: true });
  try {
    const month = createCostSummary(db)({ since: new Date(Date.now() - 30 * 24 * 3600_000) });
    lines.push("", `Cost in 30 days: ${money(month.costUsd)} (${month.tasks} tasks, ${thousands(month.tokens)} tokens)`, "", "By model (30 days):");
    for (const m of month.byModel)
      lines.push(`  ${m.model.padEnd(40)} ${money(m.costUsd).padStart(10)} ${String(m.tokens).padStart(10)} tokens ${String(m.calls).padStart(5)} calls`);
    lines.push("", "By day:");
    for (const d of month.byDay) lines.push(`  ${d.day} ${money(d.costUsd).padStart(10)} ${String(d.tokens).padStart(10)} tokens`);
  } finally {
    db.close();
  }
  return lines;
}

export async function run(args: ParsedArgs): Promise<number> {
  const paths = resolvePaths();
  const raw = await peekConfig(paths.configFile);
  if (args.flags.live) {
    const { watchLive } = await import("../live.js");
    const host = str(raw.api?.host) ?? "127.0.0.1";
    const port = typeof raw.api?.port === "number" ? raw.api.port : 9742;
    const token = str(raw.api?.token);
    return watchLive(paths, {
      apiUrl: `http://${host}:${port}`,
      token: token?.replace(/\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => process.env[name] ?? ""),
    });
  }
  const lines: string[] = [];
  const models = Object.fromEntries(Object.entries(raw.models ?? {}).filter((e): e is [string, string] => typeof e[1] === "string"));
  const executor = process.env.OPENKOI_MODEL ?? models.executor ?? "auto (best available provider)";
  lines.push(
    `Models: executor ${executor}${models.evaluator ? ` · evaluator ${models.evaluator}` : ""}${models.planner ? ` · planner ${models.planner}` : ""}`,
  );
  // The state files carry today's totals and the recent tasks: plain `status` needs no database (fast start).
  const dayAgo = Date.now() - 24 * 3600_000;
  const history = readHistory(paths.stateDir, 5, new Date(dayAgo));
  const today = history.filter((h) => Date.parse(h.completed_at) >= dayAgo);
  const todayCost = today.reduce((sum, h) => sum + h.cost_usd, 0);
  const todayTokens = today.reduce((sum, h) => sum + h.total_tokens, 0);
  lines.push(`Cost: ${money(todayCost)} today (${today.length} tasks, ${thousands(todayTokens)} tokens)`);
  const current = readCurrentTask(paths.stateDir);
  if (current && current.phase !== "complete") {
    lines.push(
      "",
      `Running: ${current.description.slice(0, 60)} — ${current.phase}, iteration ${current.iteration}/${current.max_iterations}, score ${current.current_score.toFixed(2)}`,
    );
  }
  const recent = history.slice(-5).reverse();
  if (recent.length) lines.push("", "Recent tasks:");
  for (const h of recent) {
    lines.push(
      `  ${h.task_id.slice(0, 8)} ${h.status.padEnd(11)} ${h.final_score.toFixed(2)} ${money(h.cost_usd)} ${h.description.split("\n")[0]?.slice(0, 50)}`,
    );
  }
  if (args.flags.costs || args.flags.verbose) lines.push(...(await databaseDetails(paths, args.flags.verbose === true)));
  process.stdout.write(`${lines.join("\n")}\n`);
  return EXIT.ok;
}
