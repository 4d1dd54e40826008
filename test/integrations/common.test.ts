import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { ToolContext } from "../../src/core/tool.js";
import { compact, defineTool, describeFailure, failureMessage, integrationError, lazy, retryAfterSeconds } from "../../src/integrations/common.js";

const context = (signal = new AbortController().signal): ToolContext => ({ workspace: "/tmp", dataDir: "/tmp", signal });

describe("compact", () => {
  it("drops null and empty fields and caps the length", () => {
    expect(compact({ key: "A-1", assignee: null, labels: [], body: "", n: 0 })).toBe('{"key":"A-1","n":0}');
    expect(compact("x".repeat(20), 10)).toBe("xxxxxxxxxx… [truncated 10 more chars]");
  });
});

describe("retryAfterSeconds", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  it("reads seconds, an HTTP date, or an exhausted epoch reset", () => {
    expect(retryAfterSeconds({ "retry-after": "30" }, now)).toBe(30);
    expect(retryAfterSeconds(new Headers({ "retry-after": "Wed, 01 Jan 2025 00:01:00 GMT" }), now)).toBe(60);
    expect(retryAfterSeconds({ "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(now / 1000 + 90) }, now)).toBe(90);
    expect(retryAfterSeconds({ "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(now + 5000) }, now)).toBe(5);
    expect(retryAfterSeconds({ "x-ratelimit-remaining": "10", "x-ratelimit-reset": String(now / 1000 + 90) }, now)).toBeUndefined();
  });
});

describe("failures", () => {
  it("classifies generic HTTP-shaped errors and network errors", () => {
    expect(describeFailure({ status: 404, response: { data: { message: "Not Found" } } })).toEqual({ kind: "not_found", status: 404, detail: "Not Found" });
    const network = Object.assign(new TypeError("fetch failed"), {
      cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }),
    });
    expect(describeFailure(network)).toEqual({ kind: "unreachable", detail: "connect ECONNREFUSED 127.0.0.1:9" });
  });

  it("words each kind for the model, with the hint that fits", () => {
    const hints = { auth: "check integrations.x.token", not_found: "check the id" };
    expect(failureMessage("X", { kind: "auth", status: 401 }, hints)).toBe("X said 401: check integrations.x.token");
    expect(failureMessage("X", { kind: "not_found", status: 404, detail: "Gone.", request: "GET /a" }, hints)).toBe("X said 404 Gone for GET /a: check the id");
    expect(failureMessage("X", { kind: "rate_limited", status: 429 }, hints)).toBe("X rate-limited the request; wait a minute before retrying");
    expect(failureMessage("X", { kind: "unavailable", status: 502 })).toBe("X said 502: the service is having trouble; try again later");
    expect(integrationError("X", new Error("boom"), "try again")).toEqual({ output: "X said boom: try again", isError: true });
  });
});

describe("lazy", () => {
  it("loads once, but forgets a failed load", async () => {
    let calls = 0;
    const load = lazy(async () => {
      calls += 1;
      if (calls === 1) throw new Error("first load fails");
      return calls;
    });
    await expect(load()).rejects.toThrow("first load fails");
    await expect(load()).resolves.toBe(2);
    await expect(load()).resolves.toBe(2);
    expect(calls).toBe(2);
  });
});

describe("defineTool", () => {
  const spec = {
    name: "demo_tool",
    description: "demo",
    class: "read" as const,
    schema: z.strictObject({ n: z.number().int() }),
  };

  it("validates input, wraps a string result, and maps errors through onError", async () => {
    const tool = defineTool({
      ...spec,
      run: async ({ n }) => {
        if (n < 0) throw new Error("negative");
        return `n=${n}`;
      },
      onError: (error) => integrationError("Demo", error),
    });
    expect(await tool.run({ n: 2 }, context())).toEqual({ output: "n=2" });
    expect(await tool.run({ n: 1.5 }, context())).toEqual({
      isError: true,
      output: "Invalid input for demo_tool: n: Invalid input: expected int, received number",
    });
    expect(await tool.run({ n: -1 }, context())).toEqual({ isError: true, output: "Demo said negative" });
  });

  it("lets errors propagate without onError, and after an abort", async () => {
    const bare = defineTool({ ...spec, run: async () => Promise.reject(new Error("bare")) });
    await expect(bare.run({ n: 1 }, context())).rejects.toThrow("bare");
    const controller = new AbortController();
    controller.abort();
    const mapped = defineTool({ ...spec, run: async () => Promise.reject(new Error("aborted")), onError: () => ({ output: "mapped" }) });
    await expect(mapped.run({ n: 1 }, context(controller.signal))).rejects.toThrow("aborted");
  });
});
