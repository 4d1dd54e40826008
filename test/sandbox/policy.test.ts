/** Where shell runs, by [shell] sandbox, the task's origin and its grants; in-process hubs against the model fake. */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startSlackHub } from "../channels/slack/helpers.js";
import { type FakeServer, startFake, waitFor } from "../fakes/http.js";
import { asRecord } from "../fakes/openai-fake.js";
import { type HubHarness, startHubHarness } from "../helpers/hub-harness.js";
import { loopScript } from "../helpers/scripted-model.js";

const NOWHERE = "/nonexistent/bwrap";
let harness: HubHarness | undefined;
let listener: FakeServer | undefined;
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await harness?.close();
  await listener?.close();
  for (const close of closers.splice(0)) await close();
  harness = listener = undefined;
});

/** The model runs `command` once, then passes. */
function runs(command: string) {
  return loopScript({
    execute: () => ({ toolCalls: [{ name: "run_command", input: { command } }] }),
    judge: (_n, dims) => ({ scores: Object.fromEntries(dims.map((d) => [d, 9])) }),
  });
}

/** The tool names the executor was offered, over every request. */
function offered(h: HubHarness): string[] {
  const names = h.model.chats().flatMap((c) => (Array.isArray(c.tools) ? c.tools.map((t) => String(asRecord(asRecord(t).function).name)) : []));
  return [...new Set(names)].filter((n) => n !== "submit_plan" && n !== "submit_evaluation").sort();
}

async function postTask(h: HubHarness, body: Record<string, unknown>) {
  const res = await fetch(`${h.url}/api/v1/tasks`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> & { id: string; error?: { message: string } } };
}

const commandOutput = (h: HubHarness, id: string) =>
  h.hub.store
    .events(id)
    .filter((e) => e.type === "tool.result" && e.name === "run_command")
    .map((e) => (e.type === "tool.result" ? e.output : ""));

describe("network inside the sandbox", () => {
  it("a 127.0.0.1 listener is unreachable without the network grant and reachable with it", async () => {
    listener = await startFake("listener", () => ({ status: 200, text: "hello-from-host" }));
    harness = await startHubHarness();
    harness.model.respondWith(runs(`curl -sS --max-time 5 ${listener.url}/ping; echo " curl=$?"`));
    const narrow = await postTask(harness, { description: "fetch it", grants: ["read", "shell"] });
    await harness.settle(narrow.json.id);
    expect(commandOutput(harness, narrow.json.id)[0]).toMatch(/^curl: \(7\) Failed to connect to 127\.0\.0\.1 port \d+[^\n]*\n curl=7\n\n\[exit code 0\]$/);
    expect(listener.requests).toHaveLength(0);
    const full = await postTask(harness, { description: "fetch it" });
    await harness.settle(full.json.id);
    expect(commandOutput(harness, full.json.id)).toEqual(["hello-from-host curl=0\n\n[exit code 0]"]);
    expect(listener.requests).toHaveLength(1);
  });
});

describe("no sandbox available", () => {
  const withTests = (h: HubHarness) => writeFileSync(join(h.workspace, "package.json"), JSON.stringify({ scripts: { test: "touch ran-tests.marker" } }));

  it("an API task gets no run_command and no project checks, and its events say why once", async () => {
    harness = await startHubHarness({ shell: { bwrap_path: NOWHERE }, evaluation: { run_tests: true } });
    withTests(harness);
    const { json } = await postTask(harness, { description: "look around" });
    expect((await harness.settle(json.id)).status).toBe("completed");
    expect(offered(harness)).toEqual(["edit_file", "list_files", "read_file", "search_text", "write_file"]);
    expect(existsSync(join(harness.workspace, "ran-tests.marker"))).toBe(false);
    const refusals = harness.hub.store.events(json.id).filter((e) => e.type === "shell.refused");
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ reason: expect.stringContaining(`${NOWHERE}: not found`) });
    expect(refusals[0]).toMatchObject({ reason: expect.stringContaining('[shell] sandbox = "off"') });
  });

  it('with [shell] sandbox = "off" the same task runs its shell and checks unsandboxed', async () => {
    harness = await startHubHarness({ shell: { bwrap_path: NOWHERE, sandbox: "off" }, evaluation: { run_tests: true } });
    withTests(harness);
    harness.model.respondWith(runs("echo unsandboxed"));
    const { json } = await postTask(harness, { description: "look around" });
    await harness.settle(json.id);
    expect(offered(harness)).toContain("run_command");
    expect(commandOutput(harness, json.id)).toEqual(["unsandboxed\n\n[exit code 0]"]);
    expect(existsSync(join(harness.workspace, "ran-tests.marker"))).toBe(true);
    expect(harness.hub.store.events(json.id).filter((e) => e.type === "shell.refused")).toHaveLength(0);
  });

  it("a Slack task whose channel grants shell gets none either", async () => {
    const t = await startSlackHub({ extra: { tools: ["read", "shell"] }, hubConfig: { shell: { bwrap_path: NOWHERE } } });
    closers.push(() => t.close());
    await t.slack.deliver(t.events, t.slack.mentionPayload({ text: "look around", eventId: "EvNoSandbox" }));
    const task = await waitFor(() => t.harness.hub.store.listTasks({ limit: 5 }).tasks[0], 5000, "the task");
    await t.harness.settle(task.id);
    expect(offered(t.harness)).toEqual(["list_files", "read_file", "search_text"]);
    expect(t.harness.hub.store.events(task.id).filter((e) => e.type === "shell.refused")).toHaveLength(1);
  });
});

describe("API grants", () => {
  it("a request may narrow its grants: no run_command (nor write tools) is offered", async () => {
    harness = await startHubHarness();
    const { status, json } = await postTask(harness, { description: "just read", grants: ["read"] });
    expect(status).toBe(202);
    await harness.settle(json.id);
    expect(offered(harness)).toEqual(["list_files", "read_file", "search_text"]);
    expect(harness.hub.store.getTask(json.id)?.request.options.grants).toEqual(["read"]);
  });

  it("a request that widens beyond [api].grants, or names an unknown class, is a 400 naming the field", async () => {
    harness = await startHubHarness({ api: { port: 0, grants: ["read", "write"] } });
    const widened = await postTask(harness, { description: "run it", grants: ["read", "shell"] });
    expect(widened.status).toBe(400);
    expect(widened.json.error).toMatchObject({ code: "VALIDATION_FAILED", message: 'grants: "shell" not allowed by [api].grants (read, write)' });
    const unknown = await postTask(harness, { description: "run it", grants: ["root"] });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error?.message).toMatch(/^grants\.0: /);
    expect(harness.hub.store.listTasks({ limit: 5 }).tasks).toHaveLength(0);
    // Without a `grants` field the task gets exactly the configured ones.
    const plain = await postTask(harness, { description: "edit it" });
    await harness.settle(plain.json.id);
    expect(offered(harness)).toEqual(["edit_file", "list_files", "read_file", "search_text", "write_file"]);
  });
});

/** Host pids of `sleep <arg>` processes (the sandbox's processes are visible from outside it). */
function sleeping(...args: string[]): number[] {
  const wanted = new Set(args.map((a) => `sleep\0${a}\0`));
  return readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return wanted.has(readFileSync(`/proc/${p}/cmdline`, "utf8"));
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe("cancelling a sandboxed command", () => {
  it("kills everything it started, even a process that left its process group", async () => {
    harness = await startHubHarness();
    const detached = `300.${process.pid}1`;
    const attached = `300.${process.pid}2`;
    harness.model.respondWith(runs(`setsid sleep ${detached} & sleep ${attached}`));
    const { json } = await postTask(harness, { description: "hang" });
    try {
      await waitFor(() => sleeping(detached, attached).length === 2, 20_000, "both sleeps to run");
      const cancel = await fetch(`${harness.url}/api/v1/tasks/${json.id}/cancel`, { method: "POST" });
      expect(cancel.status).toBe(202);
      expect((await harness.settle(json.id, 20_000)).status).toBe("cancelled");
      await waitFor(() => sleeping(detached, attached).length === 0, 10_000, "every sandboxed process to be gone");
    } finally {
      for (const pid of sleeping(detached, attached)) process.kill(pid, "SIGKILL");
    }
  });
});
