/** The REST routes' rules in process (`app.request()`, an in-memory store): validation, error shapes, cancel, paging. */
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../fakes/http.js";
import { type AppHarness, type AppHarnessOptions, startAppHarness } from "../helpers/app-harness.js";

let harness: AppHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function start(options: AppHarnessOptions = {}): AppHarness {
  harness = startAppHarness(options);
  return harness;
}

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
type Json = Record<string, any>;

async function reply(response: Response | Promise<Response>): Promise<{ status: number; json: Json }> {
  const res = await response;
  return { status: res.status, json: (await res.json()) as Json };
}

// Every error carries the request id its log line would have (its value is random).
const failed = (code: string, message: string) => ({ error: { code, message, request_id: expect.any(String) } });

async function submit(h: AppHarness, description: string): Promise<string> {
  const { status, json } = await reply(h.post("/api/v1/tasks", { description }));
  expect(status).toBe(202);
  return String(json.id);
}

describe("POST /api/v1/tasks", () => {
  it("answers 202 once the task is stored, and 200 with the same task for a repeated Idempotency-Key", async () => {
    const h = start();
    const first = await reply(h.post("/api/v1/tasks", { description: "once" }, { "idempotency-key": "k-1" }));
    expect(first.status).toBe(202);
    expect(first.json).toEqual({
      id: first.json.id,
      status: "queued",
      created: true,
      urls: { self: `/api/v1/tasks/${first.json.id}`, events: `/api/v1/tasks/${first.json.id}/events`, cancel: `/api/v1/tasks/${first.json.id}/cancel` },
    });
    expect(h.store.getTask(first.json.id)?.status).toBe("queued");
    const again = await reply(h.post("/api/v1/tasks", { description: "once" }, { "idempotency-key": "k-1" }));
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ id: first.json.id, created: false });
    expect(h.store.listTasks().tasks).toHaveLength(1);
  });

  it("refuses invalid fields with 400 naming the field, and stores nothing", async () => {
    const h = start();
    const cases: Array<[unknown, string]> = [
      [{}, "description: description is required and must be a string"],
      [{ description: "   " }, "description: description must not be blank"],
      [{ description: "x", max_iterations: 50 }, "max_iterations: Too big: expected number to be <=20"],
      [{ description: "x", max_iterations: 1.5 }, "max_iterations: Invalid input: expected int, received number"],
      [{ description: "x", quality_threshold: 2 }, "quality_threshold: Too big: expected number to be <=1"],
      [{ description: "x", model: "gpt-4" }, "model: model must be provider/model, e.g. anthropic/claude-sonnet-4"],
      [{ description: "x", colour: "blue" }, 'colour: Unrecognized key: "colour"'],
      [{ description: "x", workspace: "/etc" }, 'workspace: "/etc" is not an allowed workspace; add it to [api].workspaces in config.toml'],
    ];
    for (const [body, message] of cases) {
      expect(await reply(h.post("/api/v1/tasks", body))).toEqual({ status: 400, json: failed("VALIDATION_FAILED", message) });
    }
    // Length is the intake's one limit for every origin (limits.max_description_chars, 32,768 by default).
    expect(await reply(h.post("/api/v1/tasks", { description: "x".repeat(32 * 1024 + 1) }))).toEqual({
      status: 413,
      json: failed("DESCRIPTION_TOO_LONG", "Your message is 32769 characters; the limit is 32768 (limits.max_description_chars)."),
    });
    expect(h.store.listTasks().tasks).toEqual([]);
  });

  it("accepts a workspace from the allowlist", async () => {
    const h = start();
    const { status, json } = await reply(h.post("/api/v1/tasks", { description: "x", workspace: h.workspace }));
    expect(status).toBe(202);
    expect(h.store.getTask(json.id)?.request.workspace).toBe(h.workspace);
  });

  it("answers 400 for a body that is not JSON and 415 for one that is not declared JSON", async () => {
    const h = start();
    expect(await reply(h.post("/api/v1/tasks", "{nope"))).toEqual({ status: 400, json: failed("INVALID_JSON", "The request body is not valid JSON.") });
    const text = h.request("/api/v1/tasks", { method: "POST", headers: { "content-type": "text/plain" }, body: "hi" });
    expect(await reply(text)).toEqual({
      status: 415,
      json: failed("UNSUPPORTED_MEDIA_TYPE", "Send the task as JSON with Content-Type: application/json."),
    });
    expect(h.store.listTasks().tasks).toEqual([]);
  });

  it("answers 413 for a body over 1 MB, declared by Content-Length or streamed without one", async () => {
    const h = start();
    const tooLarge = { status: 413, json: failed("PAYLOAD_TOO_LARGE", "The request body is larger than 1024 KB.") };
    const big = JSON.stringify({ description: "x".repeat(1024 * 1024) });
    const declared = h.request("/api/v1/tasks", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(big)) },
      body: big,
    });
    expect(await reply(declared)).toEqual(tooLarge);
    const chunks = [big.slice(0, 600_000), big.slice(600_000)];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(next));
      },
    });
    const streamed = h.request("/api/v1/tasks", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(await reply(streamed)).toEqual(tooLarge);
    expect(h.store.listTasks().tasks).toEqual([]);
  });
});

describe("GET /api/v1/tasks", () => {
  it("pages newest first with an opaque cursor until next_cursor is null", async () => {
    const h = start();
    const ids: string[] = [];
    for (const n of [1, 2, 3, 4, 5]) ids.push(await submit(h, `task ${n}`));
    const seen: string[][] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 5; page++) {
      const query: string = cursor ? `limit=2&cursor=${encodeURIComponent(cursor)}` : "limit=2";
      const { status, json } = await reply(h.request(`/api/v1/tasks?${query}`));
      expect(status).toBe(200);
      seen.push(json.tasks.map((t: Json) => t.id));
      cursor = json.next_cursor;
      if (cursor === null) break;
    }
    expect(seen).toEqual([[ids[4], ids[3]], [ids[2], ids[1]], [ids[0]]]);
  });

  it("filters by status", async () => {
    const h = start();
    const kept = await submit(h, "stays queued");
    const cancelled = await submit(h, "cancelled");
    await h.post(`/api/v1/tasks/${cancelled}/cancel`, {});
    const queued = await reply(h.request("/api/v1/tasks?status=queued"));
    expect(queued.json.tasks.map((t: Json) => t.id)).toEqual([kept]);
    const done = await reply(h.request("/api/v1/tasks?status=cancelled"));
    expect(done.json).toMatchObject({ tasks: [{ id: cancelled, status: "cancelled" }], next_cursor: null });
  });

  it("refuses a bad status, limit or cursor with 400 naming it", async () => {
    const h = start();
    const statusError = "status: must be one of queued, running, completed, failed, cancelled, interrupted";
    expect(await reply(h.request("/api/v1/tasks?status=done"))).toEqual({ status: 400, json: failed("VALIDATION_FAILED", statusError) });
    for (const limit of ["0", "101", "1.5", "ten"]) {
      const limitError = failed("VALIDATION_FAILED", "limit: must be an integer from 1 to 100");
      expect(await reply(h.request(`/api/v1/tasks?limit=${limit}`))).toEqual({ status: 400, json: limitError });
    }
    const cursorError = failed("USAGE", "Invalid cursor: pass back the nextCursor of the previous page unchanged");
    expect(await reply(h.request("/api/v1/tasks?cursor=garbage"))).toEqual({ status: 400, json: cursorError });
  });
});

describe("a task by id", () => {
  it("answers 404 naming the id for an unknown task on every task route", async () => {
    const h = start();
    const notFound = { status: 404, json: failed("NOT_FOUND", "No task with id nope.") };
    expect(await reply(h.request("/api/v1/tasks/nope"))).toEqual(notFound);
    expect(await reply(h.request("/api/v1/tasks/nope/events"))).toEqual(notFound);
    expect(await reply(h.post("/api/v1/tasks/nope/cancel", {}))).toEqual(notFound);
  });

  it("shows a stored task's detail", async () => {
    const h = start();
    const id = await submit(h, "describe me");
    const { status, json } = await reply(h.request(`/api/v1/tasks/${id}`));
    expect(status).toBe(200);
    expect(json).toMatchObject({ id, status: "queued", description: "describe me", max_iterations: 3, quality_threshold: 0.8, links: {} });
  });
});

describe("POST /api/v1/tasks/:id/cancel", () => {
  it("cancels a queued task at once (200), then answers 409 because it already ended", async () => {
    const h = start();
    const id = await submit(h, "never starts");
    expect(await reply(h.post(`/api/v1/tasks/${id}/cancel`, {}))).toEqual({ status: 200, json: { id, status: "cancelled" } });
    expect(h.store.events(id).map((e) => e.type)).toEqual(["task.queued", "task.cancelled"]);
    const again = await reply(h.post(`/api/v1/tasks/${id}/cancel`, {}));
    expect(again).toEqual({ status: 409, json: failed("ALREADY_FINISHED", `Task ${id} already ended as cancelled.`) });
  });

  it("answers 202 cancelling for a task running here", async () => {
    const h = start({ concurrency: 1 });
    const id = await submit(h, "runs until stopped");
    await waitFor(() => h.store.getTask(id)?.status === "running", 5000, "the task to run");
    expect(await reply(h.post(`/api/v1/tasks/${id}/cancel`, {}))).toEqual({ status: 202, json: { id, status: "cancelling" } });
  });

  it("answers 409 for a task running in another process", async () => {
    const h = start();
    h.store.startTask({
      id: "cli-1",
      description: "from the CLI",
      options: { maxIterations: 1, qualityThreshold: 0.8 },
      origin: { kind: "cli" },
      workspace: h.workspace,
    });
    const refused = await reply(h.post("/api/v1/tasks/cli-1/cancel", {}));
    expect(refused).toEqual({
      status: 409,
      json: failed("NOT_CANCELLABLE", "Task cli-1 is running in another process (started from the CLI); stop it there."),
    });
    expect(h.store.getTask("cli-1")?.status).toBe("running");
  });
});

describe("the rest of the API", () => {
  it("requires the bearer token on every /api/v1 route but health", async () => {
    const h = start({ token: "s3cret" });
    const denied = { status: 401, json: failed("UNAUTHORIZED", "Missing or invalid bearer token: send Authorization: Bearer <api.token>.") };
    expect((await h.request("/health")).status).toBe(200);
    expect((await h.request("/api/v1/health")).status).toBe(200);
    for (const path of ["/api/v1/tasks", "/api/v1/tasks/x", "/api/v1/status", "/api/v1/cost"]) {
      expect(await reply(h.request(path))).toEqual(denied);
      expect(await reply(h.request(path, { headers: { authorization: "Bearer wrong" } }))).toEqual(denied);
      expect(await reply(h.request(path, { headers: { authorization: "s3cret" } }))).toEqual(denied);
    }
    expect(await reply(h.post("/api/v1/tasks", { description: "x" }))).toEqual(denied);
    expect((await h.request("/api/v1/tasks", { headers: { authorization: "Bearer s3cret" } })).status).toBe(200);
    expect(h.store.listTasks().tasks).toEqual([]);
  });

  it("answers 400 for a bad since and a JSON 404 for an unknown route", async () => {
    const h = start();
    const since = failed("VALIDATION_FAILED", "since: must be an ISO date or date-time, e.g. 2026-11-01");
    expect(await reply(h.request("/api/v1/cost?since=yesterday"))).toEqual({ status: 400, json: since });
    expect(await reply(h.request("/api/v1/nothing"))).toEqual({ status: 404, json: failed("NOT_FOUND", "No route for GET /api/v1/nothing.") });
  });
});
