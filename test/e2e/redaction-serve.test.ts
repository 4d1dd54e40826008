/**
 * End to end: the BUILT `openkoi serve` knows each kind of secret (an `{env:…}` integration token, a provider key
 * in the environment, a provider key in a credentials file, the API token, the webhook secret, an `{env:…}` webhook
 * URL with a secret in its path, which the hub logs when the receiver refuses it). A task reads a
 * workspace file holding all of them and echoes one in its answer; none may reach what the hub writes or sends:
 * the database and its WAL, the state files, <data>/tool-output/, the SSE stream, the outbound webhook, the log,
 * or the model (the tool result it is sent back).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeServer, startFake, waitFor } from "../fakes/http.js";
import { type ModelFake, startOpenAIFake } from "../fakes/openai-fake.js";
import { cleanEnv, runCli, tempDir } from "../helpers/cli.js";
import { loopScript, phaseOf } from "../helpers/scripted-model.js";
import { freePort, type ServeProcess, startServe } from "../helpers/serve-process.js";

const SECRETS: Record<string, string> = {
  NOTION_TOKEN: "ntn_e2eNotionSecret0123456789",
  OPENAI_API_KEY: "sk-e2e-openai-9f8e7d6c5b4a3210",
  "credentials/anthropic.key": "sk-ant-e2e-filekey-0a1b2c3d4e5f",
  "api.token": "koi-api-token-e2e-55aa66bb77cc",
  "api.webhooks.secret": "whsec-e2e-5f4e3d2c1b0a",
};

/** Every file under `dir` (recursively) as text, keyed by its relative path. */
function filesUnder(dir: string, skip: (path: string) => boolean): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (skip(relative(dir, path))) continue;
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path)] = readFileSync(path).toString("latin1");
    }
  };
  walk(dir);
  return out;
}

/** The secrets (by name) found in a text. */
function leaked(text: string): string[] {
  return Object.entries(SECRETS).flatMap(([name, value]) => (text.includes(value) ? [name] : []));
}

let model: ModelFake | undefined;
let receiver: FakeServer | undefined;
let hub: ServeProcess | undefined;

afterEach(async () => {
  if (hub && hub.child.exitCode === null && hub.child.signalCode === null) await hub.stop();
  await receiver?.close();
  await model?.close();
});

describe("redaction of known secrets (built CLI)", () => {
  it("keeps every kind of secret out of the database, state, tool output, SSE, webhook, log and model", async () => {
    model = await startOpenAIFake();
    model.respondWith(
      loopScript({
        execute: () => ({ toolCalls: [{ name: "read_file", input: { path: "secrets.txt" } }] }),
        judge: (_n, dims) => ({ scores: Object.fromEntries(dims.map((d) => [d, 9])) }),
        summary: `Done. The OpenAI key is ${SECRETS.OPENAI_API_KEY}.`,
      }),
    );
    // It answers 400 (not retried), so the hub logs the failed delivery with its URL.
    receiver = await startFake("webhook receiver", () => ({ status: 400, json: { ok: false } }));
    SECRETS.HOOK_URL = `${receiver.url}/hooks/T0001/B0002/e2eHookPathSecret42`;
    const port = await freePort();
    const home = join(tempDir("redact-e2e"), ".openkoi");
    mkdirSync(join(home, "credentials"), { recursive: true, mode: 0o700 });
    writeFileSync(join(home, "credentials", "anthropic.key"), `${SECRETS["credentials/anthropic.key"]}\n`, { mode: 0o600 });
    const workspace = tempDir("redact-e2e-ws");
    // Past 2,000 lines, so the full output is also saved under <data>/tool-output/.
    const padding = Array.from({ length: 2100 }, (_, i) => `line ${i}`).join("\n");
    writeFileSync(
      join(workspace, "secrets.txt"),
      `${Object.entries(SECRETS)
        .map(([k, v]) => `${k}=${v}`)
        .join("\n")}\n${padding}\n`,
    );
    const toml = [
      "[api]",
      `port = ${port}`,
      `token = "${SECRETS["api.token"]}"`,
      "[api.webhooks]",
      'on_task_complete = "{env:HOOK_URL}"',
      `secret = "${SECRETS["api.webhooks.secret"]}"`,
      "[server]",
      `workspace = ${JSON.stringify(workspace)}`,
      "shutdown_grace_seconds = 1",
      "[models]",
      'executor = "openai/gpt-4.1"',
      "[evaluation]",
      "run_tests = false",
      "[integrations.notion]",
      'token = "{env:NOTION_TOKEN}"',
    ].join("\n");
    const env = cleanEnv({
      OPENAI_API_KEY: SECRETS.OPENAI_API_KEY as string,
      OPENAI_BASE_URL: model.baseURL,
      NOTION_TOKEN: SECRETS.NOTION_TOKEN as string,
      HOOK_URL: SECRETS.HOOK_URL,
      OPENKOI_LOG_LEVEL: "debug",
    });
    hub = await startServe({ home, port, toml, env });
    const auth = { authorization: `Bearer ${SECRETS["api.token"]}` };

    let open: (() => void) | undefined;
    model.setGate(new Promise<void>((resolve) => (open = resolve)));
    const created = await fetch(`${hub.url}/api/v1/tasks`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ description: `Read secrets.txt; the API token is ${SECRETS["api.token"]}`, workspace }),
    });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };

    // Subscribed before the agent moves, so the events after `task.queued` come live over the bus, not from the store.
    const sse = await fetch(`${hub.url}/api/v1/tasks/${id}/events`, { headers: auth });
    const reader = (sse.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let stream = "";
    const first = await reader.read();
    stream += decoder.decode(first.value);
    open?.();
    model.setGate(undefined);
    for (let i = 0; i < 500; i++) {
      const chunk = await reader.read();
      if (chunk.done) break;
      stream += decoder.decode(chunk.value);
    }
    expect(stream).toContain("event: task.completed");
    await waitFor(() => receiver?.requests.length, 10_000, "the task.completed webhook");
    await waitFor(() => hub?.log().includes("webhook task.completed to"), 10_000, "the refused webhook to be logged");

    const followUp = model.chats().find((c) => phaseOf(c, undefined) === "tool-followup");
    const toolResult = JSON.stringify(followUp?.messages);
    // What each secret became, in the tool result the model got back.
    for (const name of Object.keys(SECRETS)) expect(toolResult).toContain(`${name}=[redacted:${name}]`);

    // current-task.json is rewritten at most every 200 ms: wait for the final state.
    const current = join(home, "state", "current-task.json");
    await waitFor(() => existsSync(current) && readFileSync(current, "utf8").includes('"completed"'), 5000, "current-task.json to say completed");
    const notOurs = (path: string) => path === "config.toml" || path.startsWith("credentials");
    const running = filesUnder(home, notOurs);
    expect(Object.keys(running)).toEqual(
      expect.arrayContaining(["data/openkoi.db", "data/openkoi.db-wal", "state/current-task.json", "state/task-history.jsonl"]),
    );
    expect(Object.keys(running).some((path) => path.startsWith("data/tool-output/"))).toBe(true);
    const log = hub.log();
    expect(await hub.stop()).toBe(0);
    // And once more after shutdown, when the WAL has been checkpointed into the database file.
    const stopped = filesUnder(home, notOurs);
    const seen: Record<string, string> = {
      ...running,
      ...Object.fromEntries(Object.entries(stopped).map(([path, text]) => [`${path} (after stop)`, text])),
      sse: stream,
      webhook: JSON.stringify(receiver.requests.map((r) => r.raw)),
      // (The judge later sees the answer the model itself wrote, secret and all: that is the model's own text.)
      "the model's follow-up request": JSON.stringify(followUp),
      log,
    };
    const leaks = Object.entries(seen).flatMap(([where, text]) => leaked(text).map((name) => `${name} in ${where}`));
    expect(leaks).toEqual([]);
    expect(stream).toContain("The OpenAI key is [redacted:OPENAI_API_KEY].");
    expect(log).toContain("the API token is [redacted:api.token]");
    expect(log).toContain("webhook task.completed to [redacted:HOOK_URL] failed after 1 attempt(s): HTTP 400");
  });

  it("keeps them out of a CLI run's stored row, events and printed answer too", async () => {
    const key = "sk-e2e-cli-openai-00112233445566";
    model = await startOpenAIFake();
    model.respondWith(
      loopScript({ execute: () => ({ text: `The key is ${key}.` }), judge: (_n, dims) => ({ scores: Object.fromEntries(dims.map((d) => [d, 9])) }) }),
    );
    const env = cleanEnv({ OPENAI_API_KEY: key, OPENAI_BASE_URL: model.baseURL });
    const home = env.OPENKOI_HOME as string;
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, "config.toml"), '[models]\nexecutor = "openai/gpt-4.1"\n[evaluation]\nrun_tests = false\n');
    const result = await runCli(["run", "-i", "0", `say the key ${key}`], { env, cwd: tempDir("redact-cli-ws") });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("The key is [redacted:OPENAI_API_KEY].\n");
    const written = filesUnder(home, (path) => path === "config.toml");
    expect(Object.keys(written)).toContain("data/openkoi.db");
    const leaks = Object.entries({ ...written, stderr: result.stderr }).filter(([, text]) => text.includes(key));
    expect(leaks.map(([where]) => where)).toEqual([]);
    // The model was given the task as stored: redacted.
    expect(JSON.stringify(model.chats()[0])).toContain("say the key [redacted:OPENAI_API_KEY]");
  });
});
