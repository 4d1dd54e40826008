import { readFileSync } from "node:fs";

/** The package version, read once from package.json (two levels above dist/core or src/core). */
let cached: string | undefined;
export function packageVersion(): string {
  cached ??= (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
  return cached;
}
