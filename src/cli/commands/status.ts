import { existsSync, readFileSync } from "node:fs";
import { resolvePaths } from "../../config/paths.js";
import { readCurrentTask, readHistory } from "../../state/files.js";
import type { ParsedArgs } from "../args.js";

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

export async function run(args: ParsedArgs): Promise<number> {
  const paths = resolvePaths();
  const raw = await peekConfig(paths.configFile);
  if (args.flags.live) {
    const { watchLive } = await import("../live.js");
    const host = str(raw.api?.host) ?? "127.0.0.1";
    const port = typeof raw.api?.port === "number" ? raw.api.port : 9742;
    const token = str(raw.api?.token);
    return watchLive(paths, { apiUrl: `http://${host}:${port}`, token: token?.includes("{env:") ? undefined : token });
  }
  const lines: string[] = [];
  const models = Object.fromEntries(Object.entries(raw.models ?? {}).filter((e): e is [string, string] => typeof e[1] === "string"));
  const executor = process.env.OPENKOI_MODEL ?? models.executor ?? "auto (best available provider)";
  lines.push(
    `Models: executor ${executor}${models.evaluator ? ` · evaluator ${models.evaluator}` : ""}${models.planner ? ` · planner ${models.planner}` : ""}`,
  );
  if (!existsSync(paths.database)) {
    lines.push(`No tasks yet (database ${paths.database} does not exist).`);
    process.stdout.write(`${lines.join("\n")}\n`);
    return 0;
  }
  const { openStore } = await import("../../store/index.js");
  const store = openStore(paths.database);
  try {
    const day = store.costSummary({ since: new Date(Date.now() - 24 * 3600_000) });
    const month = store.costSummary({ since: new Date(Date.now() - 30 * 24 * 3600_000) });
    lines.push(`Cost: ${money(day.costUsd)} today (${day.tasks} tasks, ${day.tokens.toLocaleString("en-US")} tokens) · ${money(month.costUsd)} in 30 days`);
    if (args.flags.costs) {
      lines.push("", "By model (30 days):");
      for (const m of month.byModel)
        lines.push(`  ${m.model.padEnd(40)} ${money(m.costUsd).padStart(10)} ${String(m.tokens).padStart(10)} tokens ${String(m.calls).padStart(5)} calls`);
      lines.push("", "By day:");
      for (const d of month.byDay) lines.push(`  ${d.day} ${money(d.costUsd).padStart(10)} ${String(d.tokens).padStart(10)} tokens`);
    }
    const current = readCurrentTask(paths.stateDir);
    if (current && current.phase !== "complete") {
      lines.push(
        "",
        `Running: ${current.description.slice(0, 60)} — ${current.phase}, iteration ${current.iteration}/${current.max_iterations}, score ${current.current_score.toFixed(2)}`,
      );
    }
    const recent = store.listTasks({ limit: 5 }).tasks;
    if (recent.length) lines.push("", "Recent tasks:");
    for (const t of recent) {
      const score = t.score === undefined || t.score === null ? "  –  " : t.score.toFixed(2);
      lines.push(`  ${t.id.slice(0, 8)} ${t.status.padEnd(11)} ${score} ${money(t.costUsd)} ${t.request.description.split("\n")[0]?.slice(0, 50)}`);
    }
    if (args.flags.verbose) {
      lines.push("", `Config: ${paths.configFile}`, `Data:   ${paths.dataDir}`, `State:  ${paths.stateDir}`);
      for (const h of readHistory(paths.stateDir)) lines.push(`  history: ${h.completed_at} ${h.status} ${h.description.slice(0, 50)}`);
    }
  } finally {
    store.close();
  }
  process.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}
