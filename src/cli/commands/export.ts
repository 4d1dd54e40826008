import { existsSync } from "node:fs";
import { resolvePaths } from "../../config/paths.js";
import { UsageError } from "../../core/errors.js";
import { writeFileAtomic } from "../../core/fs.js";
import { packageVersion } from "../../core/version.js";
import type { ParsedArgs } from "../args.js";

/** `openkoi export`: the task history (with iterations, findings and costs) as one JSON document. */
export async function run(args: ParsedArgs): Promise<number> {
  const paths = resolvePaths();
  const since = typeof args.flags.since === "string" ? new Date(args.flags.since) : new Date(0);
  if (Number.isNaN(since.getTime())) throw new UsageError(`--since must be a date such as 2026-11-01, got "${args.flags.since}"`);
  const { openStore } = await import("../../store/index.js");
  if (!existsSync(paths.database)) throw new UsageError(`Nothing to export: ${paths.database} does not exist yet.`);
  const store = openStore(paths.database);
  try {
    const tasks = [];
    let cursor: string | undefined;
    do {
      const page = store.listTasks({ limit: 100, cursor });
      for (const t of page.tasks) if (Date.parse(t.timings.createdAt) >= since.getTime()) tasks.push(store.taskDetail(t.id));
      cursor = page.nextCursor;
    } while (cursor);
    const cost = store.costSummary({ since });
    const document = JSON.stringify({ exported_at: new Date().toISOString(), version: packageVersion(), since: since.toISOString(), tasks, cost }, null, 2);
    if (typeof args.flags.output === "string") {
      writeFileAtomic(args.flags.output, `${document}\n`, 0o600);
      process.stderr.write(`Exported ${tasks.length} task(s) to ${args.flags.output}\n`);
    } else process.stdout.write(`${document}\n`);
    return 0;
  } finally {
    store.close();
  }
}
