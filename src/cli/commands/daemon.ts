import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../../config/load.js";
import { resolvePaths } from "../../config/paths.js";
import { UsageError } from "../../core/errors.js";
import { writeFileAtomic } from "../../core/fs.js";
import { isProcessAlive } from "../../core/process.js";
import type { ParsedArgs } from "../args.js";
import { EXIT } from "../exit.js";

function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, "utf8").trim());
  return Number.isInteger(pid) && pid > 0 && isProcessAlive(pid) ? pid : undefined;
}

async function waitUntil(check: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** `openkoi daemon start|stop|status`: the hub as a background process with a pid file and a log file in the data dir. */
export async function run(args: ParsedArgs): Promise<number> {
  const action = args.positionals[0] ?? "status";
  const paths = resolvePaths();
  const config = await loadConfig(paths.configFile);
  const pidFile = join(paths.dataDir, "daemon.pid");
  const logFile = join(paths.dataDir, "daemon.log");
  const url = `http://${config.api.host}:${config.api.port}`;
  const pid = readPid(pidFile);
  const healthy = async () => {
    try {
      return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(500) })).ok;
    } catch {
      return false;
    }
  };
  if (action === "status") {
    process.stdout.write(pid ? `running (pid ${pid}) — API ${url}/api/v1, log ${logFile}\n` : "stopped\n");
    return pid ? EXIT.ok : EXIT.notRunning;
  }
  if (action === "start") {
    if (pid) {
      process.stdout.write(`already running (pid ${pid}) — API ${url}/api/v1\n`);
      return EXIT.ok;
    }
    mkdirSync(paths.dataDir, { recursive: true, mode: 0o700 });
    const log = openSync(logFile, "a", 0o600);
    // The mode above applies only when the file is new; a log from an older openkoi may be 0644.
    chmodSync(logFile, 0o600);
    const main = fileURLToPath(new URL("../main.js", import.meta.url));
    const child = spawn(process.execPath, [main, "serve"], { detached: true, stdio: ["ignore", log, log], env: process.env });
    writeFileAtomic(pidFile, `${child.pid}\n`, 0o600);
    child.unref();
    if (!(await waitUntil(healthy, 15_000))) {
      process.stderr.write(`the daemon did not come up within 15 s; see ${logFile}\n`);
      return EXIT.failed;
    }
    process.stdout.write(`started (pid ${child.pid}) — API ${url}/api/v1, log ${logFile}\n`);
    return EXIT.ok;
  }
  if (action === "stop") {
    if (!pid) {
      rmSync(pidFile, { force: true });
      process.stdout.write("not running\n");
      return EXIT.ok;
    }
    process.kill(pid, "SIGTERM");
    const stopped = await waitUntil(() => !isProcessAlive(pid), (config.server.shutdown_grace_seconds + 10) * 1000);
    if (!stopped) {
      process.stderr.write(`pid ${pid} did not stop; kill it with: kill -9 ${pid}\n`);
      return EXIT.failed;
    }
    rmSync(pidFile, { force: true });
    process.stdout.write("stopped\n");
    return EXIT.ok;
  }
  throw new UsageError(`Unknown daemon action "${action}": use start, stop or status.`);
}
