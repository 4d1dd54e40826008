/**
 * The contract every chat channel passes: verification, fast ack, exactly-once, a live message in the
 * right thread, chunking, Stop, and the allowlist. Each channel's test supplies a driver for its platform.
 */
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../fakes/http.js";
import type { HubHarness } from "../helpers/hub-harness.js";
import { passingScript } from "../helpers/hub-harness.js";

/** "Acknowledged in milliseconds": the task is stored this soon after the delivery, whatever the platform allows. */
const QUEUED_WITHIN_MS = 1500;

export interface PlatformMessage {
  /** The platform's message id. */
  id: string;
  /** The thread (or conversation) it was posted in, as the driver names threads. */
  thread: string;
  /** Everything visible in it (title, fields, sections, buttons' labels), flattened to text. */
  text: string;
}

export interface ChannelDriver {
  /** A correctly signed/authenticated mention of the bot, as the platform would deliver it. */
  mention(input: { text: string; deliveryId: string; user?: string; thread: string }): Promise<{ status?: number }>;
  /** The same delivery with a bad signature (or none). */
  forged(input: { text: string; deliveryId: string; thread: string }): Promise<{ status: number }>;
  /** The platform's Stop action for the task's message (a button click). */
  stop(taskId: string, thread: string): Promise<void>;
  /** Messages the fake platform received (new posts), in order. */
  posts(): PlatformMessage[];
  /** Edits of existing messages, in order. */
  edits(): PlatformMessage[];
}

export interface ChannelUnderTest {
  harness: HubHarness;
  driver: ChannelDriver;
  close(): Promise<void>;
}

export interface ChannelContractSetup {
  name: string;
  /** The platform's text limit the adapter declares (continuation chunks must fit). */
  textLimit: number;
  /** The platform's ack deadline. */
  ackDeadlineMs: number;
  start(options: { allowUsers?: string[] }): Promise<ChannelUnderTest>;
}

export function channelContract(setup: ChannelContractSetup): void {
  describe(`${setup.name} — channel contract`, () => {
    let current: ChannelUnderTest | undefined;
    const start = async (options: { allowUsers?: string[] } = {}) => {
      current = await setup.start(options);
      return current;
    };
    afterEach(async () => {
      await current?.close();
      current = undefined;
    });
    const tasks = (h: HubHarness) => h.hub.store.listTasks({ limit: 50 }).tasks;

    it("rejects a forged delivery with 401 and runs nothing", async () => {
      const { harness, driver } = await start();
      const res = await driver.forged({ text: "do the thing", deliveryId: "forged-1", thread: "t-forged" });
      expect(res.status).toBe(401);
      expect(tasks(harness)).toHaveLength(0);
    });

    it("acks within the platform's deadline while the agent is still working", async () => {
      const { harness, driver } = await start();
      harness.hold();
      const started = Date.now();
      const res = await driver.mention({ text: "summarise the repo", deliveryId: "ack-1", thread: "t-ack" });
      const acked = Date.now() - started;
      if (res.status !== undefined) expect(res.status).toBeLessThan(300);
      expect(acked).toBeLessThan(setup.ackDeadlineMs);
      // A gateway delivery has no HTTP ack: what counts is the task being durably queued, well inside the deadline.
      const [task] = await waitFor(() => (tasks(harness).length ? tasks(harness) : undefined), 5000, "the task to be stored");
      expect(Date.now() - started).toBeLessThan(Math.min(setup.ackDeadlineMs, QUEUED_WITHIN_MS));
      expect(["queued", "running"]).toContain(task?.status);
      harness.release();
      await harness.settle(task?.id as string);
    });

    it("runs a replayed delivery once", async () => {
      const { harness, driver } = await start();
      await driver.mention({ text: "count the files", deliveryId: "dup-1", thread: "t-dup" });
      await driver.mention({ text: "count the files", deliveryId: "dup-1", thread: "t-dup" });
      const [task] = await waitFor(() => (tasks(harness).length ? tasks(harness) : undefined), 5000, "the task");
      await harness.settle(task?.id as string);
      expect(tasks(harness)).toHaveLength(1);
    });

    it("posts a progress message in the thread, edits it, and ends with the rich result there", async () => {
      const { harness, driver } = await start();
      harness.model.respondWith(passingScript("The repo has 3 files."));
      await driver.mention({ text: "how many files are there?", deliveryId: "rich-1", thread: "t-rich" });
      const [task] = await waitFor(() => (tasks(harness).length ? tasks(harness) : undefined), 5000, "the task");
      await harness.settle(task?.id as string);
      const final = await waitFor(
        () => driver.edits().find((m) => m.text.includes("The repo has 3 files.")) ?? driver.posts().find((m) => m.text.includes("The repo has 3 files.")),
        5000,
        "the final result",
      );
      const first = driver.posts().find((m) => m.thread === "t-rich");
      expect(first).toBeDefined();
      expect(final.id).toBe(first?.id);
      expect(final.text).toMatch(/0\.90|9\.0/);
      expect(driver.posts().filter((m) => m.thread === "t-rich")).toHaveLength(1);
    });

    it("splits a long result at the platform's limit", async () => {
      const { harness, driver } = await start();
      const long = Array.from({ length: Math.ceil((setup.textLimit * 2.5) / 50) }, (_, i) => `line ${i} ${"x".repeat(40)}`).join("\n");
      harness.model.respondWith(passingScript(long));
      await driver.mention({ text: "write a long report", deliveryId: "long-1", thread: "t-long" });
      const [task] = await waitFor(() => (tasks(harness).length ? tasks(harness) : undefined), 5000, "the task");
      await harness.settle(task?.id as string);
      const tail = `line ${Math.ceil((setup.textLimit * 2.5) / 50) - 1} `;
      const chunks = await waitFor(
        () => {
          const inThread = driver.posts().filter((m) => m.thread === "t-long");
          return inThread.some((m) => m.text.includes(tail)) ? inThread.slice(1) : undefined;
        },
        5000,
        "continuation chunks",
      );
      expect(chunks.length).toBeGreaterThanOrEqual(1);
      for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(setup.textLimit);
    });

    it("Stop cancels the running task and the message says so", async () => {
      const { harness, driver } = await start();
      harness.hold();
      await driver.mention({ text: "refactor everything", deliveryId: "stop-1", thread: "t-stop" });
      const task = await waitFor(() => tasks(harness).find((t) => t.status === "running"), 5000, "the task to run");
      await waitFor(() => driver.posts().find((m) => m.thread === "t-stop"), 5000, "the progress message");
      await driver.stop(task.id, "t-stop");
      harness.release();
      const done = await harness.settle(task.id);
      expect(done.status).toBe("cancelled");
      await waitFor(() => driver.edits().find((m) => /stopped/i.test(m.text)), 5000, "the stopped message");
    });

    it("refuses a user outside the allowlist once per thread, however often they write, and runs nothing", async () => {
      const { harness, driver } = await start({ allowUsers: ["U_ALLOWED"] });
      for (const n of [1, 2, 3]) await driver.mention({ text: `delete prod ${n}`, deliveryId: `deny-${n}`, user: "U_STRANGER", thread: "t-deny" });
      await driver.mention({ text: "delete prod 4", deliveryId: "deny-4", user: "U_STRANGER", thread: "t-deny-2" });
      const refusals = (thread: string) => driver.posts().filter((m) => m.thread === thread && /not allowed/i.test(m.text));
      await waitFor(() => refusals("t-deny").length && refusals("t-deny-2").length, 5000, "a refusal in each thread");
      // A barrier: an allowed user's task, mentioned after the stranger's messages, is answered after any refusal they caused.
      harness.model.respondWith(passingScript("Barrier done."));
      await driver.mention({ text: "say done", deliveryId: "deny-ok", user: "U_ALLOWED", thread: "t-deny-ok" });
      const [task] = await waitFor(() => (tasks(harness).length ? tasks(harness) : undefined), 5000, "the allowed user's task");
      await harness.settle(task?.id as string);
      await waitFor(() => [...driver.posts(), ...driver.edits()].find((m) => m.text.includes("Barrier done.")), 5000, "the allowed user's answer");
      expect(refusals("t-deny")).toHaveLength(1);
      expect(refusals("t-deny-2")).toHaveLength(1);
      expect(tasks(harness)).toHaveLength(1);
    });
  });
}
