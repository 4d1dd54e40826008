import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { TaskEvent } from "../../src/core/events.js";
import type { Store } from "../../src/store/index.js";
import { openTestStore, request, tempDir } from "./helpers.js";

function usage(store: Store, taskId: string, seq: number, at: string, provider: string, model: string, costUsd: number): void {
  const event: TaskEvent = {
    type: "usage.recorded",
    taskId,
    seq,
    at,
    phase: "execute",
    provider,
    model,
    inputTokens: 100,
    outputTokens: 10,
    costUsd,
    priced: true,
  };
  store.applyEvent(event);
}

describe("listTasks", () => {
  it("pages most recent first with an opaque cursor and filters by status", () => {
    const store = openTestStore();
    const ids = Array.from({ length: 5 }, () => store.queue.enqueue(request()).taskId);
    store.queue.claimNext();
    store.queue.finish(ids[0] ?? "", "completed");

    const first = store.listTasks({ limit: 2 });
    expect(first.tasks.map((t) => t.id)).toEqual([ids[4], ids[3]]);
    const second = store.listTasks({ limit: 2, cursor: first.nextCursor });
    expect(second.tasks.map((t) => t.id)).toEqual([ids[2], ids[1]]);
    const last = store.listTasks({ limit: 2, cursor: second.nextCursor });
    expect(last.tasks.map((t) => t.id)).toEqual([ids[0]]);
    expect(last.nextCursor).toBeUndefined();

    expect(store.listTasks({ status: "queued" }).tasks.map((t) => t.id)).toEqual([ids[4], ids[3], ids[2], ids[1]]);
    expect(store.listTasks({ status: "completed" }).tasks).toMatchObject([{ id: ids[0], status: "completed" }]);
    expect(() => store.listTasks({ cursor: "not-a-cursor" })).toThrow(/Invalid cursor/);
  });

  it("round-trips the whole request", () => {
    const store = openTestStore();
    const req = request({ history: "earlier: please be careful", metadata: { repo: "acme/app", issue: 7 } });
    store.queue.enqueue(req, { concurrencyKey: "slack:C1:1700.1" });
    expect(store.getTask(req.id)).toMatchObject({ request: req, status: "queued", concurrencyKey: "slack:C1:1700.1", attempts: 0 });
    expect(store.getTask("missing")).toBeUndefined();
    expect(store.taskDetail("missing")).toBeUndefined();
  });
});

describe("costSummary", () => {
  it("sums usage by model and by UTC day since a date", () => {
    const store = openTestStore();
    const a = store.queue.enqueue(request()).taskId;
    const b = store.queue.enqueue(request()).taskId;
    usage(store, a, 1, "2025-02-27T23:00:00.000Z", "openai", "gpt-5", 9);
    usage(store, a, 2, "2025-03-01T10:00:00.000Z", "anthropic", "claude-opus-4", 0.5);
    usage(store, a, 3, "2025-03-01T23:59:59.000Z", "openai", "gpt-5", 0.25);
    usage(store, b, 1, "2025-03-02T00:00:01.000Z", "anthropic", "claude-opus-4", 1);

    const summary = store.costSummary({ since: new Date("2025-03-01T00:00:00Z") });
    expect(summary).toEqual({
      costUsd: 1.75,
      tokens: 330,
      tasks: 2,
      byModel: [
        { model: "anthropic/claude-opus-4", costUsd: 1.5, tokens: 220, calls: 2 },
        { model: "openai/gpt-5", costUsd: 0.25, tokens: 110, calls: 1 },
      ],
      byDay: [
        { day: "2025-03-01", costUsd: 0.75, tokens: 220 },
        { day: "2025-03-02", costUsd: 1, tokens: 110 },
      ],
    });
    expect(store.costSummary({ since: new Date("2026-01-01T00:00:00Z") })).toEqual({ costUsd: 0, tokens: 0, tasks: 0, byModel: [], byDay: [] });
  });
});

describe("deliveries, reply refs and kv", () => {
  it("claims a delivery id exactly once, across reopening", () => {
    const path = join(tempDir(), "openkoi.db");
    const first = openTestStore(path);
    expect(first.claimDelivery("slack:Ev123")).toBe(true);
    expect(first.claimDelivery("slack:Ev123")).toBe(false);
    first.close();
    const second = openTestStore(path);
    expect(second.claimDelivery("slack:Ev123")).toBe(false);
    expect(second.claimDelivery("slack:Ev124", "t1")).toBe(true);
  });

  it("prunes old delivery ids", () => {
    const store = openTestStore();
    store.claimDelivery("old");
    store.claimDelivery("new");
    const cut = store.db.prepare("SELECT created_at FROM deliveries WHERE key = 'new'").pluck().get() as string;
    expect(store.pruneDeliveries(new Date(cut))).toBe(1);
    expect(store.claimDelivery("old")).toBe(true);
    expect(store.claimDelivery("new")).toBe(false);
  });

  it("keeps where a task's reply lives per channel, and small kv state, across reopening", () => {
    const path = join(tempDir(), "openkoi.db");
    const store = openTestStore(path);
    const { taskId } = store.queue.enqueue(request());
    store.saveReplyRef(taskId, "slack", { channel: "C1", ts: "1700.2" });
    store.saveReplyRef(taskId, "slack", { channel: "C1", ts: "1700.3" });
    store.kvSet("digest:2025-W09", "sent");
    store.close();
    const reopened = openTestStore(path);
    expect(reopened.replyRef(taskId, "slack")).toEqual({ channel: "C1", ts: "1700.3" });
    expect(reopened.replyRef(taskId, "discord")).toBeUndefined();
    expect(reopened.kvGet("digest:2025-W09")).toBe("sent");
    expect(reopened.kvGet("digest:2025-W10")).toBeUndefined();
  });

  it("journals outbound webhook deliveries and their attempts", () => {
    const store = openTestStore();
    const hooks = store.webhookDeliveries;
    const recorded = hooks.record({ id: "t1:7:hook", taskId: "t1", event: "task.completed", url: "https://example.test/h" });
    expect(recorded).toMatchObject({ status: "pending", attempts: 0, taskId: "t1" });
    expect(hooks.record({ id: "t1:7:hook", event: "other", url: "x" })).toEqual(recorded);
    hooks.record({ taskId: "t2", event: "task.failed", url: "https://example.test/h" });
    hooks.update("t1:7:hook", { status: "pending", responseStatus: 503, error: "Service Unavailable" });
    hooks.update("t1:7:hook", { status: "delivered", responseStatus: 200 });

    expect(hooks.list({ taskId: "t1" })).toMatchObject([{ id: "t1:7:hook", status: "delivered", attempts: 2, responseStatus: 200 }]);
    expect(hooks.list({ taskId: "t1" })[0]?.lastError).toBeUndefined();
    expect(hooks.list({ status: "pending" })).toMatchObject([{ taskId: "t2", event: "task.failed", attempts: 0 }]);
    expect(hooks.list()).toHaveLength(2);
  });
});
