/** `--version`, help and `status` must start fast: they load no SDK (and --version and help nothing from node_modules). */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { cleanEnv, tempDir } from "../helpers/cli.js";

const MAIN = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
const TRACE = fileURLToPath(new URL("../helpers/trace-imports.mjs", import.meta.url));
const SDKS = /node_modules\/(openai|@anthropic-ai|@slack|discord\.js|grammy|botbuilder|@octokit|@linear|@notionhq|@googleapis|nodemailer|hono|@hono)\//;

/** The packages a command loaded, from the resolve trace. */
function packagesLoaded(args: string[]): string[] {
  const file = join(tempDir("trace"), "imports.txt");
  const run = spawnSync(process.execPath, ["--import", TRACE, MAIN, ...args], { env: { ...cleanEnv({}), OPENKOI_TRACE_FILE: file }, encoding: "utf8" });
  expect(run.status, run.stderr).toBe(0);
  const urls = readFileSync(file, "utf8").trim().split("\n");
  expect(urls.some((url) => url.endsWith("/dist/cli/main.js"))).toBe(true);
  return urls.filter((url) => url.includes("/node_modules/"));
}

describe("what start-up loads", () => {
  it("--version, --help and `help status` load nothing from node_modules", () => {
    expect(packagesLoaded(["--version"])).toEqual([]);
    expect(packagesLoaded(["--help"])).toEqual([]);
    expect(packagesLoaded(["help", "status"])).toEqual([]);
  });

  it("status loads no SDK", () => {
    const loaded = packagesLoaded(["status"]);
    expect(loaded.filter((url) => SDKS.test(url))).toEqual([]);
  });
});
