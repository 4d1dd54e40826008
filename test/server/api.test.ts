import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeServer, startFake, waitFor } from "../fakes/http.js";
import { type HubHarness, startHubHarness } from "../helpers/hub-harness.js";
import { loopScript } from "../helpers/scripted-model.js";
import { readSse } from "../helpers/sse.js";

let harness: HubHarness | undefined;
let receiver: FakeServer | undefined;
afterEach(async () => {
  await harness?.close();
  await receiver?.close();
  harness = undefined;
  receiver = undefined;
});

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
type Json = Record<string, any>;

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Json };
}

describe("REST API over real HTTP", () => {
  it("creates a task (202 after it is stored), lists it, shows its detail and streams its events", async () => {
    harness = await startHubHarness();
    const api = `${harness.url}/api/v1`;
    const created = await post(`${api}/tasks`, { description: "Fix the login bug", max_iterations: 2, quality_threshold: 0.7, metadata: { ticket: "ENG-1" } });
    expect(created.status).toBe(202);
    expect(created.json.urls.events).toBe(`/api/v1/tasks/${created.json.id}/events`);
    expect(harness.hub.store.getTask(created.json.id)).toBeDefined();
    const events = await readSse(`${harness.url}${created.json.urls.events}`);
    expect(events[0]?.type).toBe("task.queued");
    expect(events.at(-1)?.type).toBe("task.completed");
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));

    const detail = (await (await fetch(`${api}/tasks/${created.json.id}`)).json()) as Json;
    expect(detail).toMatchObject({ status: "completed", max_iterations: 2, quality_threshold: 0.7, metadata: { ticket: "ENG-1" }, iterations: 1 });
    expect(detail.iteration_details[0].scores).toBeDefined();
    expect(detail.result).toBe("All done: wrote answer.md.");
    expect(detail.cost_usd).toBe(0.00024);

    const list = (await (await fetch(`${api}/tasks?status=completed&limit=1`)).json()) as Json;
    expect(list.tasks.map((t: { id: string }) => t.id)).toEqual([created.json.id]);

    // Resume: only events after Last-Event-ID are replayed.
    const resumed = await readSse(`${harness.url}${created.json.urls.events}`, { "last-event-id": String(events.length - 2) });
    expect(resumed.map((e) => e.id)).toEqual([events.length - 1, events.length]);

    const status = (await (await fetch(`${api}/status`)).json()) as Json;
    expect(status).toMatchObject({ queue_depth: 0, running: [] });
    expect(status.today.tasks).toBe(1);
    const cost = (await (await fetch(`${api}/cost?since=2020-01-01`)).json()) as Json;
    expect(cost.by_model[0].model).toBe("openai/gpt-4.1");
  });

  it("honours max_iterations, quality_threshold and model from the request", async () => {
    harness = await startHubHarness();
    harness.model.respondWith(
      loopScript({ execute: () => ({ text: "did it" }), judge: (_n, dims) => ({ scores: Object.fromEntries(dims.map((d) => [d, 6])) }) }),
    );
    const created = await post(`${harness.url}/api/v1/tasks`, {
      description: "Tune it",
      max_iterations: 3,
      quality_threshold: 0.5,
      model: "openai/gpt-4.1-mini",
    });
    const task = await harness.settle(created.json.id);
    expect(task.status).toBe("completed");
    expect(task.iterations).toBe(1); // 0.6 ≥ 0.5: the requested threshold was used
    expect(harness.model.chats().every((c) => c.model === "gpt-4.1-mini")).toBe(true);
  });

  it("runs API tasks on the same workspace one after the other, never side by side", async () => {
    harness = await startHubHarness({ server: { concurrency: 2 } });
    harness.hold();
    const a = await post(`${harness.url}/api/v1/tasks`, { description: "first edit" });
    const b = await post(`${harness.url}/api/v1/tasks`, { description: "second edit" });
    await waitFor(() => harness?.hub.store.getTask(a.json.id)?.status === "running", 5000, "the first task to run");
    expect(harness.hub.store.getTask(b.json.id)?.status).toBe("queued");
    harness.release();
    await harness.settle(a.json.id);
    await harness.settle(b.json.id);
    const first = harness.hub.store.getTask(a.json.id);
    const second = harness.hub.store.getTask(b.json.id);
    expect(Date.parse(second?.timings.startedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(first?.timings.finishedAt ?? ""));
  });

  it("cancels a task stuck in a long shell command, killing the command", async () => {
    harness = await startHubHarness();
    harness.model.respondWith(
      loopScript({
        execute: () => ({ toolCalls: [{ name: "run_command", input: { command: "sleep 30; echo finished > late.txt" } }] }),
        judge: (_n, d) => ({ scores: Object.fromEntries(d.map((x) => [x, 9])) }),
      }),
    );
    const created = await post(`${harness.url}/api/v1/tasks`, { description: "run the slow thing" });
    const id = created.json.id as string;
    await waitFor(() => harness?.hub.store.events(id).some((e) => e.type === "tool.called"), 5000, "the shell tool to start");
    const started = Date.now();
    const cancel = await post(`${harness.url}/api/v1/tasks/${id}/cancel`, {});
    expect(cancel.status).toBe(202);
    const task = await harness.settle(id);
    expect(task.status).toBe("cancelled");
    expect(Date.now() - started).toBeLessThan(5000);
    const again = await post(`${harness.url}/api/v1/tasks/${id}/cancel`, {});
    expect(again.status).toBe(409);
    const { existsSync } = await import("node:fs");
    expect(existsSync(`${harness.workspace}/late.txt`)).toBe(false);
  });

  it("cancels a queued task before it runs", async () => {
    harness = await startHubHarness({ server: { concurrency: 1 } });
    harness.hold();
    const first = await post(`${harness.url}/api/v1/tasks`, { description: "first" });
    const second = await post(`${harness.url}/api/v1/tasks`, { description: "second" });
    await waitFor(() => harness?.hub.store.getTask(first.json.id)?.status === "running", 5000, "the first task to run");
    const cancel = await post(`${harness.url}/api/v1/tasks/${second.json.id}/cancel`, {});
    expect(cancel.json.status).toBe("cancelled");
    harness.release();
    await harness.settle(first.json.id);
    expect(harness.hub.store.getTask(second.json.id)?.status).toBe("cancelled");
    expect(harness.hub.store.events(second.json.id).map((e) => e.type)).toEqual(["task.queued", "task.cancelled"]);
  });
});

describe("outbound webhooks", () => {
  it("signs the body, retries a failing receiver and records the delivery", async () => {
    let calls = 0;
    receiver = await startFake("receiver", () => {
      calls += 1;
      return calls <= 2 ? { status: 503, text: "busy" } : { status: 204 };
    });
    harness = await startHubHarness({ api: { port: 0, webhooks: { on_task_complete: `${receiver.url}/done`, secret: "whsec" } } });
    const created = await post(`${harness.url}/api/v1/tasks`, { description: "notify me" });
    await harness.settle(created.json.id);
    await waitFor(() => receiver?.requests.length === 3, 5000, "three webhook attempts");
    for (const req of receiver.requests) {
      const expected = `sha256=${createHmac("sha256", "whsec").update(req.raw).digest("hex")}`;
      expect(req.headers["x-openkoi-signature"]).toBe(expected);
    }
    expect(new Set(receiver.requests.map((r) => r.headers["x-openkoi-delivery"])).size).toBe(1);
    const body = receiver.requests[0]?.body as { event: string; data: { task_id: string; score: number } };
    expect(body.event).toBe("task.completed");
    expect(body.data.task_id).toBe(created.json.id);
    await waitFor(() => harness?.hub.store.webhookDeliveries.list({ taskId: created.json.id })[0]?.status === "delivered", 5000, "the delivery record");
    expect(harness.hub.store.webhookDeliveries.list({ taskId: created.json.id })[0]).toMatchObject({ attempts: 3, responseStatus: 204 });
  });

  it("never lets a slow receiver delay the task, and sends budget.warning when a task passes its share of the budget", async () => {
    const hang = new Promise<void>(() => {});
    receiver = await startFake("slow-receiver", async (req) => {
      if (req.path === "/complete") await hang; // never answers
      return { status: 200 };
    });
    harness = await startHubHarness({
      safety: { max_cost_usd: 0.01, budget_warning_ratio: 0.5 },
      api: { port: 0, webhooks: { on_task_complete: `${receiver.url}/complete`, on_budget_warning: `${receiver.url}/budget` } },
    });
    harness.hub.providers.price = () => ({ costUsd: 0.003, priced: true });
    const created = await post(`${harness.url}/api/v1/tasks`, { description: "spend a little" });
    const started = Date.now();
    const task = await harness.settle(created.json.id);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(task.status).toBe("completed");
    const warning = await waitFor(() => receiver?.requests.find((r) => r.path === "/budget"), 5000, "the budget.warning webhook");
    expect(warning.body).toMatchObject({ event: "budget.warning", data: { kind: "cost", task_id: created.json.id } });
    await waitFor(() => receiver?.requests.find((r) => r.path === "/complete"), 5000, "the (hanging) completion webhook");
  });
});
