import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { createDigestLedger } from "../../src/digest/ledger.js";
import { createDigestScheduler, type DigestScheduler, type DigestSchedulerOptions, type DigestWindow } from "../../src/digest/schedule.js";
import { openStore, type Store } from "../../src/store/index.js";
import { waitFor } from "../fakes/http.js";

let dir: string;
let dbPath: string;
const stores: Store[] = [];
const schedulers: DigestScheduler[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "openkoi-digest-schedule-"));
  dbPath = join(dir, "data", "openkoi.db");
});

afterEach(async () => {
  for (const scheduler of schedulers.splice(0)) await scheduler.stop();
  for (const store of stores.splice(0)) store.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(): Store {
  const store = openStore(dbPath);
  stores.push(store);
  return store;
}

/** A send that records each window and fails while `failures` is positive. */
function recorder(failures = 0) {
  const windows: DigestWindow[] = [];
  let left = failures;
  const send = async (window: DigestWindow) => {
    windows.push(window);
    if (left-- > 0) throw new Error("SMTP said 451 try again later");
    return { messageId: `<m${windows.length}@test>` };
  };
  return { windows, send };
}

async function scheduler(overrides: Partial<DigestSchedulerOptions> & Pick<DigestSchedulerOptions, "send">): Promise<DigestScheduler> {
  const created = await createDigestScheduler({ schedule: "0 8 * * *", timezone: "UTC", sinceHours: 24, store: overrides.store ?? open(), ...overrides });
  schedulers.push(created);
  return created;
}

const at = (iso: string) => new Date(iso);

describe("digest schedule", () => {
  it("sends once per window: twice in the same window is one email, the next window is another", async () => {
    const { windows, send } = recorder();
    const s = await scheduler({ send });
    expect(await s.runDue(at("2025-03-01T09:00:00Z"))).toMatchObject({ status: "sent" });
    expect(await s.runDue(at("2025-03-01T21:30:00Z"))).toMatchObject({ status: "already_sent" });
    expect(await s.runDue(at("2025-03-02T07:59:59Z"))).toMatchObject({ status: "already_sent" });
    expect(await s.runDue(at("2025-03-02T08:00:00Z"))).toMatchObject({ status: "sent" });
    expect(windows.map((w) => [w.key, w.since.toISOString(), w.until.toISOString()])).toEqual([
      ["2025-03-01T08:00:00.000Z", "2025-02-28T08:00:00.000Z", "2025-03-01T08:00:00.000Z"],
      ["2025-03-02T08:00:00.000Z", "2025-03-01T08:00:00.000Z", "2025-03-02T08:00:00.000Z"],
    ]);
    expect(s.nextSlot(at("2025-03-02T08:00:00Z"))?.toISOString()).toBe("2025-03-03T08:00:00.000Z");
  });

  it("retries a failed send after the backoff and sends it exactly once", async () => {
    const { windows, send } = recorder(1);
    const s = await scheduler({ send, retryDelaysMs: [60_000, 300_000] });
    const failed = await s.runDue(at("2025-03-01T08:00:05Z"));
    expect(failed).toMatchObject({ status: "failed", retryAt: at("2025-03-01T08:01:05Z") });
    expect(await s.runDue(at("2025-03-01T08:00:30Z"))).toMatchObject({ status: "waiting" });
    expect(windows).toHaveLength(1);
    expect(await s.runDue(at("2025-03-01T08:01:05Z"))).toMatchObject({ status: "sent" });
    expect(await s.runDue(at("2025-03-01T08:20:00Z"))).toMatchObject({ status: "already_sent" });
    expect(windows.map((w) => w.key)).toEqual(["2025-03-01T08:00:00.000Z", "2025-03-01T08:00:00.000Z"]);
    expect(createDigestLedger(open()).sentAt("2025-03-01T08:00:00.000Z")).toBeDefined();
  });

  it("gives a window up after the last retry", async () => {
    const { windows, send } = recorder(2);
    const s = await scheduler({ send, retryDelaysMs: [1000] });
    expect(await s.runDue(at("2025-03-01T08:00:00Z"))).toMatchObject({ status: "failed", retryAt: at("2025-03-01T08:00:01Z") });
    const last = await s.runDue(at("2025-03-01T08:00:01Z"));
    expect(last.status).toBe("failed");
    expect(last).not.toHaveProperty("retryAt");
    expect(await s.runDue(at("2025-03-01T12:00:00Z"))).toMatchObject({ status: "gave_up" });
    expect(windows).toHaveLength(2);
    expect(await s.runDue(at("2025-03-02T08:00:00Z"))).toMatchObject({ status: "sent" });
  });

  it("after a restart: does not resend a sent window, and sends a missed one once", async () => {
    const first = recorder();
    const a = await scheduler({ send: first.send, now: () => at("2025-03-01T08:00:02Z") });
    expect(await a.start()).toMatchObject({ status: "sent" });
    await a.stop();
    for (const store of stores.splice(0)) store.close();

    const second = recorder();
    const b = await scheduler({ send: second.send, now: () => at("2025-03-01T15:00:00Z") });
    expect(await b.start()).toMatchObject({ status: "already_sent" });
    await b.stop();
    expect(second.windows).toEqual([]);

    // The hub was down at 08:00 the next day: the missed slot goes out once when it comes back, and only once.
    const c = await scheduler({ send: second.send, now: () => at("2025-03-02T11:00:00Z") });
    expect(await c.start()).toMatchObject({ status: "sent", window: { key: "2025-03-02T08:00:00.000Z" } });
    await c.stop();
    const d = await scheduler({ send: second.send, now: () => at("2025-03-02T11:05:00Z") });
    expect(await d.start()).toMatchObject({ status: "already_sent" });
    expect(second.windows.map((w) => w.key)).toEqual(["2025-03-02T08:00:00.000Z"]);
  });

  it("lets only one of two processes send a window (the other sees it busy, then sent)", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const sends: string[] = [];
    const sender = (name: string, wait?: Promise<void>) => async (w: DigestWindow) => {
      sends.push(`${name} ${w.key}`);
      await wait;
      return undefined;
    };
    const slow = await scheduler({ send: sender("a", gate) });
    const other = await scheduler({ send: sender("b"), store: open() });
    const now = at("2025-03-01T09:00:00Z");
    const pending = slow.runDue(now);
    await waitFor(() => sends.length === 1, 2000, "the first send to start");
    expect(await other.runDue(now)).toMatchObject({ status: "busy" });
    release();
    expect(await pending).toMatchObject({ status: "sent" });
    expect(await other.runDue(now)).toMatchObject({ status: "already_sent" });
    expect(sends).toEqual(["a 2025-03-01T08:00:00.000Z"]);
  });

  it("reads the schedule in the configured time zone", async () => {
    const { windows, send } = recorder();
    const s = await scheduler({ send, timezone: "Europe/Berlin" });
    await s.runDue(at("2025-01-15T12:00:00Z"));
    expect(windows[0]?.key).toBe("2025-01-15T07:00:00.000Z");
  });

  it("rejects a bad cron expression as a configuration error naming digest.schedule", async () => {
    const attempt = createDigestScheduler({ schedule: "61 8 * * *", store: open(), send: async () => undefined });
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(attempt).rejects.toThrow(/digest\.schedule: "61 8 \* \* \*" is not a valid cron expression/);
  });

  it("keeps firing on its own timer once started", async () => {
    const { windows, send } = recorder();
    const s = await scheduler({ schedule: "* * * * * *", timezone: undefined, send });
    await s.start();
    await waitFor(() => windows.length >= 2, 5000, "a second, timer-driven digest");
    await s.stop();
    expect(new Set(windows.map((w) => w.key)).size).toBe(windows.length);
  });
});
