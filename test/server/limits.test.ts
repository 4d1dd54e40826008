/** [limits] at the REST API, over real HTTP: 413 and 429 exactly as documented, per client, and bounded listings. */
import { request as httpRequest } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../fakes/http.js";
import { type HubHarness, startHubHarness } from "../helpers/hub-harness.js";

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: Record<string, unknown>;
  bytes: number;
}

/** One request from a chosen loopback source address (127.0.0.2 is another client to the hub). */
function call(url: string, init: { method?: string; body?: unknown; from?: string } = {}): Promise<Answer> {
  const payload = init.body === undefined ? undefined : JSON.stringify(init.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: init.method ?? "GET",
        localAddress: init.from ?? "127.0.0.1",
        headers: payload ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const retryAfter = res.headers["retry-after"];
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: typeof retryAfter === "string" ? retryAfter : undefined,
            body: JSON.parse(text),
            bytes: text.length,
          });
        });
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

let harness: HubHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const post = (h: HubHarness, description: string, from?: string) => call(`${h.url}/api/v1/tasks`, { method: "POST", body: { description }, from });

describe("limits at the REST API", () => {
  it("answers 413 DESCRIPTION_TOO_LONG past limits.max_description_chars, counting characters (not bytes)", async () => {
    const h = await startHubHarness({ limits: { max_description_chars: 100 } });
    harness = h;
    expect((await post(h, "a".repeat(100))).status).toBe(202);
    expect((await post(h, "🐟".repeat(100))).status).toBe(202);
    const over = await post(h, "a".repeat(101));
    expect(over.status).toBe(413);
    expect(over.retryAfter).toBeUndefined();
    expect(over.body).toEqual({
      error: {
        code: "DESCRIPTION_TOO_LONG",
        message: "Your message is 101 characters; the limit is 100 (limits.max_description_chars).",
        request_id: expect.any(String),
      },
    });
    expect(h.hub.store.listTasks({ limit: 10 }).tasks).toHaveLength(2);
  });

  it("answers 429 TOO_MANY_QUEUED with Retry-After once a client has max_queued_per_submitter tasks waiting; other clients go on", async () => {
    const h = await startHubHarness({ limits: { max_queued_per_submitter: 3 } });
    harness = h;
    h.hold();
    const first = await post(h, "task 1");
    const firstId = String(first.body.id);
    await waitFor(() => (h.hub.store.getTask(firstId)?.status === "running" ? true : undefined), 5000, "task 1 to start");
    // Tasks on one workspace run one at a time: these three wait behind task 1.
    for (const n of [2, 3, 4]) expect((await post(h, `task ${n}`)).status).toBe(202);
    const refused = await post(h, "task 5");
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBe("30");
    expect(refused.body).toEqual({
      error: {
        code: "TOO_MANY_QUEUED",
        message: "You already have 3 tasks waiting (the limit is 3, limits.max_queued_per_submitter); wait for some to start, then try again.",
        request_id: expect.any(String),
      },
    });
    expect((await post(h, "another client's task", "127.0.0.2")).status).toBe(202);
    expect(h.hub.store.queue.depth()).toBe(4);
    h.release();
  });

  it("answers 429 RATE_LIMITED with Retry-After past api_requests_per_minute, per client, on an injected clock", async () => {
    let now = 5_000_000;
    const h = await startHubHarness({ limits: { api_requests_per_minute: 3 } }, {}, { now: () => now });
    harness = h;
    const list = (from?: string) => call(`${h.url}/api/v1/tasks`, { from });
    for (let i = 0; i < 3; i++) expect((await list()).status).toBe(200);
    const limited = await list();
    expect(limited.status).toBe(429);
    expect(limited.retryAfter).toBe("20");
    expect(limited.body).toEqual({
      error: { code: "RATE_LIMITED", message: "Too many requests (limits.api_requests_per_minute); retry in 20 s.", request_id: expect.any(String) },
    });
    // A POST counts the same and is refused before anything is stored.
    expect((await post(h, "while limited")).status).toBe(429);
    expect(h.hub.store.listTasks().tasks).toHaveLength(0);
    expect((await list("127.0.0.2")).status).toBe(200);
    expect((await call(`${h.url}/api/v1/health`)).status).toBe(200);
    now += 19_000;
    expect((await list()).status).toBe(429);
    now += 1_000;
    expect((await list()).status).toBe(200);
    expect((await list()).status).toBe(429);
  });

  it("cuts long descriptions in GET /api/v1/tasks (flagged) and keeps them whole on GET /api/v1/tasks/{id}", async () => {
    const h = await startHubHarness();
    harness = h;
    const long = "0123456789".repeat(3000);
    const created = await post(h, long);
    expect(created.status).toBe(202);
    expect((await post(h, "short one")).status).toBe(202);
    const listing = await call(`${h.url}/api/v1/tasks`);
    const items = listing.body.tasks as Array<{ id: string; description: string; description_truncated: boolean }>;
    const item = items.find((t) => t.id === created.body.id);
    expect(item?.description).toBe(`${long.slice(0, 500)}…`);
    expect(item?.description_truncated).toBe(true);
    expect(items.find((t) => t.description === "short one")?.description_truncated).toBe(false);
    expect(listing.bytes).toBeLessThan(3000);
    const detail = await call(`${h.url}/api/v1/tasks/${created.body.id}`);
    expect(detail.body.description).toBe(long);
    // The default limit (32,768 characters) lets this 30,000-character task through and stops a 40,000 one.
    const over = await post(h, "x".repeat(40_000));
    expect(over.status).toBe(413);
    expect((over.body.error as { message: string }).message).toBe("Your message is 40000 characters; the limit is 32768 (limits.max_description_chars).");
  });
});
