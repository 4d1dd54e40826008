import { describe, expect, it } from "vitest";
import { openTestStore, request } from "./helpers.js";

describe("enqueue", () => {
  it("returns the existing task for a repeated idempotency key", () => {
    const store = openTestStore();
    const first = store.queue.enqueue(request(), { idempotencyKey: "github:acme/app#7:comment-1" });
    const again = store.queue.enqueue(request(), { idempotencyKey: "github:acme/app#7:comment-1" });
    expect(first.created).toBe(true);
    expect(again).toEqual({ taskId: first.taskId, created: false });
    expect(store.queue.depth()).toBe(1);
    expect(store.getTask(first.taskId)?.idempotencyKey).toBe("github:acme/app#7:comment-1");
  });

  it("claims a delivery key with the task, atomically", () => {
    const store = openTestStore();
    const first = store.queue.enqueue(request(), { deliveryKey: "slack:Ev1" });
    const retry = store.queue.enqueue(request(), { deliveryKey: "slack:Ev1" });
    expect(retry).toEqual({ taskId: first.taskId, created: false });
    expect(store.claimDelivery("slack:Ev1")).toBe(false);
    expect(store.queue.depth()).toBe(1);
  });

  it("stores neither the task nor the delivery when the insert fails", () => {
    const store = openTestStore();
    const broken = { ...request(), description: null as unknown as string };
    expect(() => store.queue.enqueue(broken, { deliveryKey: "slack:Ev9" })).toThrow(/NOT NULL/);
    expect(store.claimDelivery("slack:Ev9")).toBe(true);
    expect(store.queue.depth()).toBe(0);
  });

  it("treats a known task id as already enqueued", () => {
    const store = openTestStore();
    const req = request();
    store.queue.enqueue(req);
    expect(store.queue.enqueue(req)).toEqual({ taskId: req.id, created: false });
  });
});

describe("claimNext", () => {
  it("runs tasks with the same concurrency key one after another, other keys in parallel", () => {
    const store = openTestStore();
    const { queue } = store;
    const a1 = queue.enqueue(request(), { concurrencyKey: "thread-a" }).taskId;
    const a2 = queue.enqueue(request(), { concurrencyKey: "thread-a" }).taskId;
    const b1 = queue.enqueue(request(), { concurrencyKey: "thread-b" }).taskId;
    const free = queue.enqueue(request()).taskId;

    expect(queue.claimNext()?.id).toBe(a1);
    expect(queue.claimNext()?.id).toBe(b1);
    expect(queue.claimNext()?.id).toBe(free);
    expect(queue.claimNext()).toBeUndefined();
    expect(queue.runningIds().sort()).toEqual([a1, b1, free].sort());
    expect(queue.depth()).toBe(1);

    expect(queue.finish(a1, "completed")).toBe(true);
    expect(queue.claimNext()?.id).toBe(a2);
    expect(store.getTask(a2)).toMatchObject({ status: "running", attempts: 1 });
    expect(store.getTask(a2)?.timings.startedAt).toBeDefined();
    expect(queue.depth()).toBe(0);
  });

  it("returns the stored request", () => {
    const store = openTestStore();
    const req = request({ history: "thread history", metadata: { user: "U1" } });
    store.queue.enqueue(req);
    expect(store.queue.claimNext()).toEqual(req);
  });
});

describe("finish and cancelQueued", () => {
  it("sets a final status once", () => {
    const store = openTestStore();
    const { taskId } = store.queue.enqueue(request());
    store.queue.claimNext();
    expect(store.queue.finish(taskId, "failed", { code: "BUDGET", message: "Cost limit reached" })).toBe(true);
    expect(store.queue.finish(taskId, "completed")).toBe(false);
    expect(store.getTask(taskId)).toMatchObject({ status: "failed", error: { code: "BUDGET", message: "Cost limit reached" } });
    expect(() => store.queue.finish(taskId, "running")).toThrow(/final status/);
  });

  it("cancels only queued tasks, which then never run", () => {
    const store = openTestStore();
    const queued = store.queue.enqueue(request()).taskId;
    const running = store.queue.enqueue(request()).taskId;
    expect(store.queue.claimNext()?.id).toBe(queued);
    expect(store.queue.cancelQueued(queued)).toBe(false);
    expect(store.queue.cancelQueued(running)).toBe(true);
    expect(store.queue.claimNext()).toBeUndefined();
    expect(store.getTask(running)).toMatchObject({ status: "cancelled", error: { code: "CANCELLED" } });
  });
});

describe("recover", () => {
  it("re-queues a crashed task once, then interrupts it on a second crash", () => {
    const store = openTestStore();
    const { taskId } = store.queue.enqueue(request());
    store.queue.claimNext();
    expect(store.queue.recover("retry")).toEqual({ requeued: [taskId], interrupted: [] });
    expect(store.getTask(taskId)).toMatchObject({ status: "queued", attempts: 1 });

    expect(store.queue.claimNext()?.id).toBe(taskId);
    expect(store.queue.recover("retry")).toEqual({ requeued: [], interrupted: [taskId] });
    expect(store.getTask(taskId)).toMatchObject({ status: "interrupted", attempts: 2, error: { code: "INTERRUPTED" } });
    expect(store.queue.claimNext()).toBeUndefined();
  });

  it("interrupts at once in fail mode and leaves other statuses alone", () => {
    const store = openTestStore();
    const crashed = store.queue.enqueue(request()).taskId;
    store.queue.claimNext();
    const waiting = store.queue.enqueue(request()).taskId;
    expect(store.queue.recover("fail")).toEqual({ requeued: [], interrupted: [crashed] });
    expect(store.getTask(waiting)?.status).toBe("queued");
    expect(store.queue.runningIds()).toEqual([]);
  });

  it("leaves a CLI task whose process is alive, and interrupts one whose process died", () => {
    const store = openTestStore();
    const live = request({ origin: { kind: "cli" } });
    const dead = request({ origin: { kind: "cli" } });
    store.startTask(live);
    store.startTask(dead);
    store.db.prepare("UPDATE tasks SET runner_pid = ? WHERE id = ?").run(2 ** 22 + 12345, dead.id);
    expect(store.queue.recover("retry")).toEqual({ requeued: [], interrupted: [dead.id] });
    expect(store.getTask(live.id)?.status).toBe("running");
  });
});
