/**
 * A finished task leaves nothing behind in the hub: no abort signal kept alive, no entry in the runner. Before this
 * held, each task left ~5 AbortSignals (and the requests they reached) alive for good: RSS grew ~25 MB per 1,000 tasks.
 * Counted on the live heap after full collections (through the inspector), so no timing is measured.
 */
import { Session } from "node:inspector/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../fakes/http.js";
import { type HubHarness, startHubHarness } from "../helpers/hub-harness.js";

async function countInstances(session: Session, prototype: string): Promise<number> {
  const { result } = await session.post("Runtime.evaluate", { expression: `${prototype}.prototype` });
  if (!result.objectId) throw new Error(`${prototype} has no prototype object`);
  const { objects } = await session.post("Runtime.queryObjects", { prototypeObjectId: result.objectId });
  if (!objects.objectId) throw new Error("queryObjects returned no array");
  const counted = await session.post("Runtime.callFunctionOn", {
    objectId: objects.objectId,
    functionDeclaration: "function () { return this.length; }",
    returnByValue: true,
  });
  await session.post("Runtime.releaseObject", { objectId: objects.objectId });
  await session.post("Runtime.releaseObject", { objectId: result.objectId });
  return counted.result.value as number;
}

/** Live instances after a full collection. */
async function liveInstances(session: Session, prototype: string): Promise<number> {
  await session.post("HeapProfiler.collectGarbage");
  return countInstances(session, prototype);
}

describe("memory per task", () => {
  let harness: HubHarness;
  const session = new Session();
  beforeAll(async () => {
    harness = await startHubHarness();
    session.connect();
  });
  afterAll(async () => {
    session.disconnect();
    await harness.close();
  });

  const runTasks = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const res = await fetch(`${harness.url}/api/v1/tasks`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ description: `task ${i}` }),
      });
      const { id } = (await res.json()) as { id: string };
      expect((await harness.settle(id)).status).toBe("completed");
    }
  };

  it("keeps no abort signal and no runner entry of a finished task", async () => {
    // Warm-up: the SDK, the sandbox probe and the HTTP agents are created once, with the first tasks.
    await runTasks(3);
    // undici unhooks from a request's signal in a finalizer, run some time after the collection that found the
    // request dead: the count is polled (each poll collects) until it is back, or the leak is there.
    let before = 0;
    await waitFor(
      async () => {
        const first = await liveInstances(session, "AbortSignal");
        before = await liveInstances(session, "AbortSignal");
        return first === before;
      },
      5000,
      "the AbortSignal count to settle",
    );
    await runTasks(30);
    let after = 0;
    await waitFor(
      async () => {
        after = await liveInstances(session, "AbortSignal");
        return after - before < 5;
      },
      5000,
      "the live AbortSignals to come back to their count before the 30 tasks",
    ).catch(() => undefined);
    expect(after - before, `${after - before} more live AbortSignals after 30 tasks`).toBeLessThan(5);
    expect(harness.server.runner.runningIds()).toEqual([]);
    expect(harness.hub.store.queue.runningIds()).toEqual([]);
  });
});
