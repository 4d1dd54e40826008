/**
 * An in-process hub for integration tests: temp OPENKOI_HOME, the scripted OpenAI fake as the model,
 * the real server on 127.0.0.1:0, and whatever channels the test configures.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { parseConfig } from "../../src/config/load.js";
import type { Config } from "../../src/config/schema.js";
import type { Logger } from "../../src/core/logger.js";
import { createHub, type Hub } from "../../src/hub.js";
import { type RunningServer, startServer } from "../../src/server/serve.js";
import { waitFor } from "../fakes/http.js";
import { type ModelFake, startOpenAIFake } from "../fakes/openai-fake.js";
import { tempDir } from "./cli.js";
import { loopScript } from "./scripted-model.js";

export interface HubHarness {
  hub: Hub;
  server: RunningServer;
  model: ModelFake;
  url: string;
  home: string;
  workspace: string;
  /** Holds every model call until `release()`: the agent is "still working". */
  hold(): void;
  release(): void;
  /** Waits until the task reaches a final status; returns its record. */
  settle(taskId: string, ms?: number): Promise<NonNullable<ReturnType<Hub["store"]["getTask"]>>>;
  close(): Promise<void>;
}

/** A one-iteration passing loop: plan, write answer.md, score 9/10. */
export function passingScript(output = "All done: wrote answer.md.") {
  return loopScript({
    execute: () => ({ toolCalls: [{ name: "list_files", input: {} }] }),
    judge: (_n, dims) => ({ scores: Object.fromEntries(dims.map((d) => [d, 9])) }),
    summary: output,
  });
}

/** Everything the model was sent in the requests that mention `marker` (to assert on the context a task got). */
export function sentToModel(harness: HubHarness, marker: string): string {
  return JSON.stringify(harness.model.chats().filter((c) => JSON.stringify(c).includes(marker)));
}

export interface HarnessOptions {
  /** The hub logs here (e.g. `createLogger("warn", (l) => lines.push(l))`) so a test can read what it logged. */
  logger?: Logger;
}

export async function startHubHarness(raw: Record<string, unknown> = {}, env: Record<string, string> = {}, options: HarnessOptions = {}): Promise<HubHarness> {
  const home = join(tempDir("hub"), ".openkoi");
  const workspace = tempDir("ws");
  mkdirSync(home, { recursive: true });
  const model = await startOpenAIFake();
  model.respondWith(passingScript());
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;
  const fullEnv = { OPENKOI_HOME: home, OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: model.baseURL, OLLAMA_HOST: "http://127.0.0.1:9", ...env };
  const config: Config = parseConfig(
    { models: { executor: "openai/gpt-4.1" }, server: { workspace, shutdown_grace_seconds: 1 }, api: { port: 0 }, evaluation: { run_tests: false }, ...raw },
    fullEnv,
  );
  const hub = await createHub({ env: fullEnv, config, logger: options.logger });
  const server = await startServer(hub, { port: 0, channels: hub.channels, webhookOptions: { baseDelayMs: 20 } });
  return {
    hub,
    server,
    model,
    url: server.url,
    home,
    workspace,
    hold() {
      gate = new Promise((r) => {
        open = r;
      });
      model.setGate(gate);
    },
    release() {
      open?.();
      gate = undefined;
      model.setGate(undefined);
    },
    async settle(taskId, ms = 10_000) {
      return waitFor(
        () => {
          const t = hub.store.getTask(taskId);
          return t && ["completed", "failed", "cancelled", "interrupted"].includes(t.status) ? t : undefined;
        },
        ms,
        `task ${taskId} to finish`,
      );
    },
    async close() {
      open?.();
      await server.close(1000);
      hub.close();
      await model.close();
    },
  };
}
