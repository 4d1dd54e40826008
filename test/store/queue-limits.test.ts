/** Per-submitter and per-thread queue limits: one check inside the enqueue transaction, on indexed counts. */
import { describe, expect, it } from "vitest";
import { LimitExceededError } from "../../src/core/errors.js";
import { QUEUED_BY_KEY_SQL, QUEUED_BY_SUBMITTER_SQL } from "../../src/store/queue.js";
import { openTestStore, request } from "./helpers.js";

const caps = { perSubmitter: 2, perThread: 3 };

function refusal(run: () => unknown): LimitExceededError {
  try {
    run();
  } catch (error) {
    if (error instanceof LimitExceededError) return error;
    throw error;
  }
  throw new Error("expected a LimitExceededError");
}

describe("queue limits", () => {
  it("refuses a submitter's task past perSubmitter queued ones; a started task frees its place", () => {
    const store = openTestStore();
    const opts = (n: number) => ({ submitter: "slack:U1", concurrencyKey: `thread-${n}`, maxQueued: caps });
    store.queue.enqueue(request(), opts(1));
    store.queue.enqueue(request(), opts(2));
    const error = refusal(() => store.queue.enqueue(request(), opts(3)));
    expect([error.code, error.status, error.retryAfterMs]).toEqual(["TOO_MANY_QUEUED", 429, 30_000]);
    expect(store.queue.enqueue(request(), { ...opts(3), submitter: "slack:U2" }).created).toBe(true);
    expect(store.queue.claimNext()).toBeDefined();
    expect(store.queue.enqueue(request(), opts(4)).created).toBe(true);
    expect(store.queue.depth()).toBe(3);
  });

  it("refuses a thread's task past perThread queued ones, whoever sends it", () => {
    const store = openTestStore();
    const opts = (user: string) => ({ submitter: `slack:${user}`, concurrencyKey: "slack:C1:1700.1", maxQueued: caps });
    for (const user of ["U1", "U2", "U3"]) store.queue.enqueue(request(), opts(user));
    const error = refusal(() => store.queue.enqueue(request(), opts("U4")));
    expect(error.message).toBe(
      "This thread already has 3 tasks waiting (the limit is 3, limits.max_queued_per_thread); wait for some to start, then try again.",
    );
    // API tasks have no thread: their workspace key is not a thread and is not capped by perThread.
    const api = (n: number) =>
      store.queue.enqueue(request({ origin: { kind: "api" } }), { submitter: `api:${n}`, concurrencyKey: "workspace:/w", maxQueued: caps });
    for (const n of [1, 2, 3, 4]) expect(api(n).created).toBe(true);
  });

  it("answers a redelivery at the limit as the duplicate it is, and a refusal leaves the delivery unclaimed", () => {
    const store = openTestStore();
    const opts = (delivery: string) => ({ submitter: "slack:U1", concurrencyKey: delivery, deliveryKey: delivery, maxQueued: { perSubmitter: 1 } });
    const first = store.queue.enqueue(request(), opts("slack:Ev1"));
    expect(store.queue.enqueue(request(), opts("slack:Ev1"))).toEqual({ taskId: first.taskId, created: false });
    refusal(() => store.queue.enqueue(request(), opts("slack:Ev2")));
    expect(store.claimDelivery("slack:Ev2")).toBe(true);
  });

  it("counts by key (never a scan of the task history or of a submitter's backlog)", () => {
    const store = openTestStore();
    const plan = (sql: string, ...args: unknown[]) =>
      (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as Array<{ detail: string }>).map((r) => r.detail).join("; ");
    expect(plan(QUEUED_BY_SUBMITTER_SQL, "k")).toContain("SEARCH queued_counts USING PRIMARY KEY (submitter=?)");
    expect(plan(QUEUED_BY_KEY_SQL, "k", 10)).toContain("SEARCH tasks USING COVERING INDEX tasks_concurrency (concurrency_key=? AND status=?)");
  });

  it("keeps a submitter's queued count right through start, cancel, finish and a requeue after a crash", () => {
    const store = openTestStore();
    const queued = () => (store.db.prepare(QUEUED_BY_SUBMITTER_SQL).get("api:a") as { n: number }).n;
    const ids = [1, 2, 3].map(() => store.queue.enqueue(request({ origin: { kind: "api" } }), { submitter: "api:a" }).taskId);
    expect(queued()).toBe(3);
    const started = store.queue.claimNext();
    expect(queued()).toBe(2);
    expect(store.queue.cancelQueued(ids[2] as string)).toBe(true);
    expect(queued()).toBe(1);
    // The hub died with the task running: recovery puts it back in the queue, and it counts again.
    expect(store.queue.recover("retry").requeued).toEqual([started?.id]);
    expect(queued()).toBe(2);
    while (store.queue.claimNext());
    expect(queued()).toBe(0);
    expect(store.db.prepare("SELECT COUNT(*) AS n FROM queued_counts").get()).toEqual({ n: 0 });
  });
});
