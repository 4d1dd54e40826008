import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ModelFake, startOpenAIFake } from "../fakes/openai-fake.js";
import { cleanEnv, runCli, tempDir } from "../helpers/cli.js";
import { passingScript } from "../helpers/hub-harness.js";
import { freePort } from "../helpers/serve-process.js";

describe("openkoi daemon and status --live", () => {
  let model: ModelFake;
  beforeAll(async () => {
    model = await startOpenAIFake();
    model.respondWith(passingScript("daemon answer"));
  });
  afterAll(() => model.close());

  it("starts the hub in the background, reports it, serves tasks, and stops it", async () => {
    const env = cleanEnv({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: model.baseURL });
    const home = env.OPENKOI_HOME as string;
    const port = await freePort();
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, "config.toml"), `[models]\nexecutor = "openai/gpt-4.1"\n[api]\nport = ${port}\n[server]\nworkspace = "${tempDir("ws")}"\n`);
    const stopped = await runCli(["daemon", "status"], { env });
    expect(stopped.stdout.trim()).toBe("stopped");
    expect(stopped.code).toBe(3);
    const started = await runCli(["daemon", "start"], { env, timeoutMs: 30_000 });
    try {
      expect(started.code).toBe(0);
      expect(started.stdout).toContain(`API http://127.0.0.1:${port}/api/v1`);
      const status = await runCli(["daemon", "status"], { env });
      expect(status.stdout).toMatch(/^running \(pid \d+\)/);
      const created = await fetch(`http://127.0.0.1:${port}/api/v1/tasks`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ description: "from the daemon" }),
      });
      expect(created.status).toBe(202);
      const { id } = (await created.json()) as { id: string };
      let task: { status: string; result: string | null } = { status: "queued", result: null };
      for (let i = 0; i < 100 && task.status !== "completed"; i++) {
        task = (await (await fetch(`http://127.0.0.1:${port}/api/v1/tasks/${id}`)).json()) as typeof task;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(task).toMatchObject({ status: "completed", result: "daemon answer" });

      // status --live reads the daemon's API; Ctrl-C ends it cleanly.
      const live = runCli(["status", "--live"], { env, killAfterMs: 1500, killSignal: "SIGINT" });
      const screen = await live;
      expect(screen.stdout).toContain(`daemon http://127.0.0.1:${port}`);
      expect(screen.stdout).toContain("from the daemon");
      expect(screen.stdout).toContain("Live status stopped.");
      expect(screen.code).toBe(0);
    } finally {
      const stop = await runCli(["daemon", "stop"], { env, timeoutMs: 30_000 });
      expect(stop.stdout.trim()).toBe("stopped");
    }
    const after = await runCli(["daemon", "status"], { env });
    expect(after.stdout.trim()).toBe("stopped");
  });
});
