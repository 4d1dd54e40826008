/** The channel supervisor's rules: capped, jittered backoff; degraded → ok on its own; a configuration error is final. */
import { describe, expect, it } from "vitest";
import { backoffMs, ChannelConfigError, type StartEvents, superviseChannel } from "../../src/channels/health.js";
import { createLogger } from "../../src/core/logger.js";
import { waitFor } from "../fakes/http.js";

const logger = createLogger("silent");

describe("channel backoff", () => {
  it("doubles from initial_ms, is capped at max_ms, and jitters within the upper half of the step", () => {
    const top = { initialMs: 100, maxMs: 1000, random: () => 1 };
    expect([0, 1, 2, 3, 4, 5, 40].map((n) => backoffMs(n, top))).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
    const bottom = { initialMs: 100, maxMs: 1000, random: () => 0 };
    expect([0, 3, 9].map((n) => backoffMs(n, bottom))).toEqual([50, 400, 500]);
  });
});

describe("channel supervisor", () => {
  it("reports degraded with the last error while start fails, then ok by itself", async () => {
    let attempts = 0;
    let stops = 0;
    const conn = {
      async start() {
        attempts++;
        if (attempts <= 3) throw new Error(`platform down (${attempts})`);
      },
      async stop() {
        stops++;
      },
    };
    let clock = Date.parse("2026-12-04T10:00:00Z");
    const s = superviseChannel("demo", conn, { policy: { initialMs: 1, maxMs: 2, random: () => 0, now: () => clock++ }, logger });
    expect(s.health().state).toBe("starting");
    await s.attempt();
    expect(attempts).toBe(4);
    expect(stops).toBe(3);
    expect(s.health()).toMatchObject({ state: "ok", failures: 0 });
    await s.stop();
  });

  it("marks a configuration error failed with its fix and never retries it", async () => {
    let attempts = 0;
    const conn = {
      async start() {
        attempts++;
        throw new ChannelConfigError("Telegram said 401 Unauthorized (getMe)", "check channels.telegram.bot_token");
      },
      async stop() {},
    };
    const s = superviseChannel("demo", conn, { policy: { initialMs: 1, maxMs: 1 }, logger });
    await s.attempt();
    expect(attempts).toBe(1);
    expect(s.health()).toMatchObject({
      state: "failed",
      failures: 1,
      fix: "check channels.telegram.bot_token",
      lastError: "Telegram said 401 Unauthorized (getMe): check channels.telegram.bot_token",
    });
  });

  it("a connection lost after it started is degraded and reconnected", async () => {
    let events: StartEvents | undefined;
    let attempts = 0;
    const conn = {
      async start(e: StartEvents) {
        attempts++;
        events = e;
      },
      async stop() {},
    };
    const s = superviseChannel("demo", conn, { policy: { initialMs: 1, maxMs: 1 }, logger });
    await s.attempt();
    events?.lost(new Error("connection reset"));
    expect(s.health()).toMatchObject({ state: "degraded", lastError: "connection reset" });
    await waitFor(() => s.health().state === "ok", 5000, "the reconnect");
    expect(attempts).toBe(2);
    await s.stop();
  });
});
