/** Every 5xx is logged with its stack under a request id that the response body and X-Request-Id header carry too. */
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/core/logger.js";
import { type AppHarness, startAppHarness } from "../helpers/app-harness.js";

let harness: AppHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** The hub's own app, plus a channel-style route (mounted like an adapter's) that fails the way a bug does. */
async function appWithBrokenRoute(log: string[]) {
  const logger = createLogger("warn", (line) => void log.push(line));
  harness = startAppHarness({
    logger,
    mounts: [
      (app) =>
        app.post("/channels/broken/webhook", () => {
          throw new TypeError("Cannot read properties of undefined (reading 'split')");
        }),
    ],
  });
  return harness;
}

describe("request ids", () => {
  it("a route that throws: the 500 body and header carry the id, and the one log line has the same id and the stack", async () => {
    const log: string[] = [];
    const app = await appWithBrokenRoute(log);
    const res = await app.request("/channels/broken/webhook", { method: "POST", body: "{}" });
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { code: string; message: string; request_id: string } };
    const id = body.error.request_id;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("x-request-id")).toBe(id);
    expect(body.error).toEqual({ code: "INTERNAL", message: `Internal error; see the hub's log for request ${id}.`, request_id: id });
    expect(log).toHaveLength(1);
    const line = log[0] ?? "";
    expect(line).toContain(` ERROR request ${id}: POST /channels/broken/webhook failed with 500: Cannot read properties of undefined (reading 'split')`);
    const fields = JSON.parse(line.slice(line.indexOf(" {") + 1)) as { request_id: string; stack: string };
    expect(fields.request_id).toBe(id);
    expect(fields.stack).toMatch(/^TypeError: Cannot read properties of undefined \(reading 'split'\)\n\s+at /);
    // The body never leaks the stack.
    expect(JSON.stringify(body)).not.toContain("at ");
  });

  it("a 4xx carries the id too but is not logged; a sane incoming X-Request-Id (a proxy's) is kept, a hostile one replaced", async () => {
    const log: string[] = [];
    const app = await appWithBrokenRoute(log);
    const res = await app.request("/api/v1/tasks", { method: "POST", body: "{", headers: { "content-type": "application/json", "x-request-id": "proxy-42" } });
    expect(res.status).toBe(400);
    expect(res.headers.get("x-request-id")).toBe("proxy-42");
    expect(((await res.json()) as { error: { request_id: string } }).error.request_id).toBe("proxy-42");
    const hostile = await app.request("/channels/broken/webhook", { method: "POST", headers: { "x-request-id": "a b; FAKE ERROR line" } });
    const id = ((await hostile.json()) as { error: { request_id: string } }).error.request_id;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(log).toHaveLength(1);
    expect(log[0]).toContain(`request ${id}:`);
  });
});
