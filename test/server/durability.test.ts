import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../fakes/http.js";
import { type ModelFake, startOpenAIFake } from "../fakes/openai-fake.js";
import { cleanEnv, tempDir } from "../helpers/cli.js";
import { passingScript } from "../helpers/hub-harness.js";
import { freePort, startServe } from "../helpers/serve-process.js";

describe("durability: kill -9 mid-run, restart, every task finishes exactly once", () => {
  let model: ModelFake;
  beforeAll(async () => {
    model = await startOpenAIFake();
    model.respondWith(passingScript());
  });
  afterAll(() => model.close());

  it("recovers queued and running tasks after a crash", async () => {
    const env = cleanEnv({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: model.baseURL });
    const home = env.OPENKOI_HOME as string;
    const port = await freePort();
    const workspace = tempDir("ws");
    const other = tempDir("ws2");
    const toml = `[models]\nexecutor = "openai/gpt-4.1"\n[api]\nport = ${port}\nworkspaces = ["${other}"]\n[server]\nworkspace = "${workspace}"\nconcurrency = 2\n[evaluation]\nrun_tests = false\n`;
    let release: () => void = () => {};
    model.setGate(new Promise((r) => (release = r)));

    const first = await startServe({ home, port, toml, env });
    const ids: string[] = [];
    // Two workspaces: one task runs in each, the third waits behind the first (same workspace).
    for (const [description, ws] of [
      ["task one", workspace],
      ["task two", other],
      ["task three", workspace],
    ]) {
      const res = await fetch(`${first.url}/api/v1/tasks`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ description, workspace: ws }),
      });
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as { id: string }).id);
    }
    // Two are running (blocked on the model), one is queued: now the process dies.
    await waitFor(
      async () => ((await (await fetch(`${first.url}/api/v1/status`)).json()) as { running: unknown[] }).running.length === 2,
      10_000,
      "two running tasks",
    );
    await first.crash();

    const second = await startServe({ home, port, toml, env });
    release();
    model.setGate(undefined);
    await waitFor(
      async () => {
        const list = (await (await fetch(`${second.url}/api/v1/tasks?limit=10`)).json()) as { tasks: Array<{ status: string }> };
        return list.tasks.length === 3 && list.tasks.every((t) => t.status === "completed");
      },
      20_000,
      "all three tasks to complete after the restart",
    );
    expect(await second.stop()).toBe(0);
    expect(second.log()).toContain("re-queued");
    expect(second.log()).toMatch(/INFO task [0-9a-f]{8} passed: score 0\.90, 1 iteration\(s\)/);

    const db = new Database(join(home, "data", "openkoi.db"), { readonly: true });
    for (const id of ids) {
      const terminal = db
        .prepare("SELECT COUNT(*) AS n FROM task_events WHERE task_id = ? AND type IN ('task.completed','task.failed','task.cancelled','task.interrupted')")
        .get(id) as { n: number };
      expect(terminal.n).toBe(1);
      const row = db.prepare("SELECT status, attempts FROM tasks WHERE id = ?").get(id) as { status: string; attempts: number };
      expect(row.status).toBe("completed");
      expect(row.attempts).toBeLessThanOrEqual(2);
    }
    db.close();
  });
});
