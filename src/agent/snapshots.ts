import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** File contents by workspace-relative path; null = the file did not exist. */
export type Snapshot = Map<string, string | null>;

const MAX_SNAPSHOT_BYTES = 2_000_000;

function read(workspace: string, path: string): string | null {
  const file = join(workspace, path);
  if (!existsSync(file) || statSync(file).isDirectory()) return null;
  return readFileSync(file, "utf8");
}

/**
 * Remembers each file as it was before the task first wrote it, and as each attempt left it, so the files of
 * the best attempt can be put back when a later attempt scored worse. Covers the file tools; files a shell
 * command changed are not tracked.
 */
export function createFileHistory(workspace: string) {
  const originals: Snapshot = new Map();
  return {
    /** Call before a file tool writes `path`. */
    touch(path: string): void {
      if (originals.has(path)) return;
      const content = read(workspace, path);
      originals.set(path, content !== null && content.length > MAX_SNAPSHOT_BYTES ? null : content);
    },
    snapshot(): Snapshot {
      return new Map([...originals.keys()].map((path) => [path, read(workspace, path)]));
    },
    /** Puts every tracked file back as `snapshot` had it (files first written after it return to their originals). */
    restore(snapshot: Snapshot): string[] {
      const restored: string[] = [];
      for (const [path, original] of originals) {
        const wanted = snapshot.has(path) ? (snapshot.get(path) ?? null) : original;
        if (read(workspace, path) === wanted) continue;
        const file = join(workspace, path);
        if (wanted === null) rmSync(file, { force: true });
        else {
          mkdirSync(dirname(file), { recursive: true });
          writeFileSync(file, wanted);
        }
        restored.push(path);
      }
      return restored;
    },
  };
}

export type FileHistory = ReturnType<typeof createFileHistory>;
