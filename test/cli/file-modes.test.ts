/**
 * Every file the hub writes is private (0600), every directory it creates 0700: swept (as `find <home> <data>
 * -type f -perm /077` would) after a daemon ran a task that wrote history, state, tool output, the db and its log.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../fakes/http.js";
import { type ModelFake, startOpenAIFake } from "../fakes/openai-fake.js";
import { cleanEnv, runCli, tempDir } from "../helpers/cli.js";
import { loopScript } from "../helpers/scripted-model.js";
import { freePort } from "../helpers/serve-process.js";

/** Every file under `root` whose mode gives group or others any access, with its mode. */
function openFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 8) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, depth + 1);
      else if (entry.isFile() && (statSync(path).mode & 0o077) !== 0) found.push(`${path} ${(statSync(path).mode & 0o777).toString(8)}`);
    }
  };
  walk(root, 0);
  return found;
}

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe("file modes of everything the hub writes", () => {
  let model: ModelFake;
  beforeAll(async () => {
    model = await startOpenAIFake();
    // read_file of a 60 KB file: over the 50 KB tool-output cap, so the full text goes to <data>/tool-output.
    model.respondWith(
      loopScript({
        execute: () => ({ toolCalls: [{ name: "read_file", input: { path: "big.txt" } }] }),
        judge: (_n, dims) => ({ scores: Object.fromEntries(dims.map((d) => [d, 9])) }),
        summary: "read it",
      }),
    );
  });
  afterAll(() => model.close());

  it("leaves no file readable by others in <home> or <data>, running or stopped", async () => {
    const data = join(tempDir("data"), "openkoi-data");
    const env = cleanEnv({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: model.baseURL, OPENKOI_DATA: data });
    const home = env.OPENKOI_HOME as string;
    const workspace = tempDir("ws");
    writeFileSync(join(workspace, "big.txt"), Array.from({ length: 6000 }, (_, i) => `line ${i} of the big file`).join("\n"));
    const port = await freePort();
    mkdirSync(home, { recursive: true });
    const config = join(home, "config.toml");
    writeFileSync(
      config,
      `[models]\nexecutor = "openai/gpt-4.1"\n[api]\nport = ${port}\n[server]\nworkspace = "${workspace}"\n[evaluation]\nrun_tests = false\n`,
    );
    // The config file is the user's own (they choose its mode); a careful user keeps it private.
    chmodSync(config, 0o600);
    const api = `http://127.0.0.1:${port}/api/v1`;
    expect((await runCli(["daemon", "start"], { env, timeoutMs: 30_000 })).code).toBe(0);
    try {
      const created = await fetch(`${api}/tasks`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ description: "read big.txt" }),
      });
      const { id } = (await created.json()) as { id: string };
      await waitFor(
        async () => ((await (await fetch(`${api}/tasks/${id}`)).json()) as { status: string }).status === "completed" || undefined,
        15_000,
        "the task to complete",
      );
      const history = join(home, "state", "task-history.jsonl");
      await waitFor(() => existsSync(history) || undefined, 5000, "the history line");
      expect(readdirSync(join(data, "tool-output"))).toHaveLength(1);
      expect(existsSync(join(data, "openkoi.db-wal"))).toBe(true);
      expect(openFiles(home)).toEqual([]);
      expect(openFiles(data)).toEqual([]);
    } finally {
      expect((await runCli(["daemon", "stop"], { env, timeoutMs: 30_000 })).code).toBe(0);
    }
    for (const file of ["daemon.log", "openkoi.db"]) expect(existsSync(join(data, file))).toBe(true);
    expect(openFiles(home)).toEqual([]);
    expect(openFiles(data)).toEqual([]);
    for (const dir of [data, join(data, "tool-output"), join(home, "state")]) expect([dir, modeOf(dir)]).toEqual([dir, "700"]);
  });

  it("closes a history and a daemon log left 0644 by an older openkoi", async () => {
    const env = cleanEnv({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: model.baseURL });
    const home = env.OPENKOI_HOME as string;
    const data = join(home, "data");
    const workspace = tempDir("ws");
    writeFileSync(join(workspace, "big.txt"), "small\n");
    mkdirSync(join(home, "state"), { recursive: true });
    mkdirSync(data, { recursive: true, mode: 0o700 });
    writeFileSync(join(home, "state", "task-history.jsonl"), "", { mode: 0o644 });
    writeFileSync(join(data, "daemon.log"), "old log\n", { mode: 0o644 });
    const port = await freePort();
    writeFileSync(join(home, "config.toml"), `[models]\nexecutor = "openai/gpt-4.1"\n[api]\nport = ${port}\n[server]\nworkspace = "${workspace}"\n`, {
      mode: 0o600,
    });
    expect((await runCli(["daemon", "start"], { env, timeoutMs: 30_000 })).code).toBe(0);
    try {
      const api = `http://127.0.0.1:${port}/api/v1`;
      const created = await fetch(`${api}/tasks`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ description: "read big.txt" }),
      });
      const { id } = (await created.json()) as { id: string };
      await waitFor(
        async () => ((await (await fetch(`${api}/tasks/${id}`)).json()) as { status: string }).status === "completed" || undefined,
        15_000,
        "the task",
      );
      await waitFor(() => statSync(join(home, "state", "task-history.jsonl")).size > 0 || undefined, 5000, "the history line");
    } finally {
      await runCli(["daemon", "stop"], { env, timeoutMs: 30_000 });
    }
    expect(modeOf(join(home, "state", "task-history.jsonl"))).toBe("600");
    expect(modeOf(join(data, "daemon.log"))).toBe("600");
  });
});
