/**
 * An in-process hub for integration tests: temp OPENKOI_HOME, the scripted OpenAI fake as the model,
 * the real server on 127.0.0.1:0, and whatever channels the test configures.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { parseConfig } from "../../src/config/load.js";
import type { Config } from "../../src/config/schema.js";
import { createHub, type Hub, type HubOptions } from "../../src/hub.js";
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

/** `now`: the hub's clock (rate limits, per-day rules; a test advances it instead of waiting); `logWrite`: where its log lines go. */
export type HarnessOptions = Pick<HubOptions, "now" | "channelRetry" | "logWrite">;

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
    {
      models: { executor: "openai/gpt-4.1" },
      api: { port: 0 },
      evaluation: { run_tests: false },
      ...raw,
      server: { workspace, shutdown_grace_seconds: 1, ...(raw.server as Record<string, unknown> | undefined) },
    },
    fullEnv,
  );
  const hub = await createHub({ env: fullEnv, config, ...options });
  const server = await startServer(hub, { port: 0, wireChannels: hub.wireChannels, webhookOptions: { baseDelayMs: 20 } });
  // Channels connect in the background; tests start once each has connected or been found down.
  await waitFor(
    async () => {
      const { channels } = (await (await fetch(`${server.url}/api/v1/health`)).json()) as { channels: Record<string, { state: string }> };
      return Object.values(channels).every((c) => c.state !== "starting");
    },
    15_000,
    "the channels to start",
  );
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
