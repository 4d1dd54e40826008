import { createHmac } from "node:crypto";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/core/logger.js";
import { createWebhookSink } from "../../src/server/webhooks.js";
import { openStore, type Store } from "../../src/store/index.js";
import { type FakeServer, startFake, waitFor } from "../fakes/http.js";
import { tempDir } from "../helpers/cli.js";

let receiver: FakeServer | undefined;
let store: Store | undefined;
afterEach(async () => {
  await receiver?.close();
  store?.close();
});

describe("webhook outbox", () => {
  it("re-sends a delivery that a shutdown cut short, with the same id, body and signature", async () => {
    let up = false;
    receiver = await startFake("receiver", () => (up ? { status: 204 } : { status: 503 }));
    const path = join(tempDir("outbox"), "openkoi.db");
    store = openStore(path);
    store.startTask({ id: "t1", description: "x", options: { maxIterations: 1, qualityThreshold: 0.8 }, origin: { kind: "api" }, workspace: "/tmp" });
    const config = { on_task_failed: `${receiver.url}/failed`, secret: "s3" };
    const logger = createLogger("silent");
    const first = createWebhookSink(config, store.webhookDeliveries, logger, { baseDelayMs: 60_000 });
    first.sink({ type: "task.failed", code: "X", message: "boom", taskId: "t1", seq: 1, at: new Date().toISOString() });
    await waitFor(() => receiver?.requests.length === 1, 5000, "the first attempt");
    await first.flush(50); // shutdown while waiting to retry
    expect(store.webhookDeliveries.list({ status: "pending" })).toHaveLength(1);

    // The next start: a new sink over the same database re-sends it.
    up = true;
    const second = createWebhookSink(config, store.webhookDeliveries, logger);
    expect(second.resendPending()).toBe(1);
    await waitFor(() => receiver?.requests.length === 2, 5000, "the re-sent delivery");
    await second.flush();
    const [a, b] = receiver.requests;
    expect(b?.raw).toBe(a?.raw);
    expect(b?.headers["x-openkoi-delivery"]).toBe(a?.headers["x-openkoi-delivery"]);
    expect(b?.headers["x-openkoi-signature"]).toBe(
      `sha256=${createHmac("sha256", "s3")
        .update(b?.raw ?? "")
        .digest("hex")}`,
    );
    expect(store.webhookDeliveries.list({ taskId: "t1" })[0]).toMatchObject({ status: "delivered", attempts: 2, responseStatus: 204 });
  });

  it("gives up on a receiver that does not answer within the timeout", async () => {
    receiver = await startFake("receiver", () => ({ stream: () => {} }));
    store = openStore(":memory:");
    store.startTask({ id: "t1", description: "x", options: { maxIterations: 1, qualityThreshold: 0.8 }, origin: { kind: "api" }, workspace: "/tmp" });
    const sink = createWebhookSink({ on_task_failed: `${receiver.url}/failed` }, store.webhookDeliveries, createLogger("silent"), {
      maxAttempts: 1,
      timeoutMs: 50,
    });
    sink.sink({ type: "task.failed", code: "X", message: "boom", taskId: "t1", seq: 1, at: new Date().toISOString() });
    await sink.flush(5000);
    expect(store.webhookDeliveries.list({ taskId: "t1" })[0]).toMatchObject({
      status: "failed",
      attempts: 1,
      lastError: "The operation was aborted due to timeout",
    });
  });

  it("leaves nothing hooked on its shutdown signal after deliveries and retries", async () => {
    // Each delivery fails once, then lands: twelve retries, more than the ten listeners Node warns about on one signal.
    const seen = new Set<string>();
    receiver = await startFake("receiver", (r) => {
      const id = String(r.headers["x-openkoi-delivery"]);
      if (seen.has(id)) return { status: 204 };
      seen.add(id);
      return { status: 503 };
    });
    store = openStore(":memory:");
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on("warning", onWarning);
    try {
      const sink = createWebhookSink({ on_task_failed: `${receiver.url}/failed` }, store.webhookDeliveries, createLogger("silent"), { baseDelayMs: 1 });
      for (let i = 0; i < 12; i++) {
        const taskId = `t${i}`;
        store.startTask({ id: taskId, description: "x", options: { maxIterations: 1, qualityThreshold: 0.8 }, origin: { kind: "api" }, workspace: "/tmp" });
        sink.sink({ type: "task.failed", code: "X", message: "boom", taskId, seq: 1, at: new Date().toISOString() });
        await waitFor(() => store?.webhookDeliveries.list({ taskId })[0]?.status === "delivered", 5000, `delivery ${i}`);
      }
      await sink.flush();
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", onWarning);
    }
    expect(receiver.requests).toHaveLength(24);
    expect(warnings).not.toContain("MaxListenersExceededWarning");
  });
});
