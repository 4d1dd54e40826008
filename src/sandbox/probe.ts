/** Whether bubblewrap works here: a real `bwrap … true` run, once per binary (containers may forbid namespaces). */
import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";

export type Availability = { ok: true; bwrapPath: string; version: string } | { ok: false; error: string };

const PROBE_TIMEOUT_MS = 5_000;
const cache = new Map<string, Promise<Availability>>();

/** The configured path, else the first `bwrap` on PATH. */
export function findBwrap(configured: string | undefined, pathVar: string | undefined): string | undefined {
  if (configured) return configured;
  for (const dir of (pathVar ?? "").split(delimiter)) {
    if (!isAbsolute(dir)) continue;
    const candidate = join(dir, "bwrap");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; try the next directory.
    }
  }
  return undefined;
}

function run(file: string, args: string[]): Promise<{ stdout: string; error?: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env: {}, timeout: PROBE_TIMEOUT_MS, encoding: "utf8" }, (error, stdout, stderr) => {
      if (!error) return resolve({ stdout });
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === "ENOENT" ? "not found" : stderr.trim().split("\n").pop() || error.message;
      resolve({ stdout, error: reason });
    });
  });
}

async function probe(bwrapPath: string): Promise<Availability> {
  const version = await run(bwrapPath, ["--version"]);
  if (version.error) return { ok: false, error: `${bwrapPath}: ${version.error}` };
  // The same namespaces every command uses; a container that forbids them fails here, not in a task.
  const args = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-pid", "--unshare-net", "--die-with-parent", "true"];
  const trial = await run(bwrapPath, args);
  if (trial.error) return { ok: false, error: `${bwrapPath} cannot create namespaces here: ${trial.error}` };
  return { ok: true, bwrapPath, version: version.stdout.trim() || "bubblewrap" };
}

/** Probes once per binary path and remembers the answer for the life of the process. */
export function bwrapAvailability(configured: string | undefined, pathVar: string | undefined): Promise<Availability> {
  const path = findBwrap(configured, pathVar);
  if (!path) return Promise.resolve({ ok: false, error: "bwrap not found on PATH" });
  let known = cache.get(path);
  if (!known) {
    known = probe(path);
    cache.set(path, known);
  }
  return known;
}
