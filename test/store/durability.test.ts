import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestStore, tempDir } from "./helpers.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const out = mkdtempSync(join(tmpdir(), "openkoi-store-build-"));
let storeModule = "";

/** Compiles src/store (and the core files it imports) so a plain `node` child can load it. */
beforeAll(() => {
  const tsc = join(root, "node_modules", ".bin", "tsc");
  const flags = ["--ignoreConfig", "--noCheck", "--skipLibCheck", "--module", "nodenext", "--target", "es2023", "--types", "node"];
  execFileSync(tsc, [join(root, "src/store/index.ts"), "--rootDir", join(root, "src"), "--outDir", out, ...flags], { cwd: root });
  writeFileSync(join(out, "package.json"), '{ "type": "module" }');
  symlinkSync(join(root, "node_modules"), join(out, "node_modules"), "dir");
  storeModule = pathToFileURL(join(out, "store", "index.js")).href;
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

// The child stores two tasks, starts one, says so, then idles until it is killed (or 30 s pass).
const CHILD = `
const { openStore } = await import(process.env.STORE_MODULE);
const store = openStore(process.env.DB_PATH);
const task = (id) => ({ id, description: "d " + id, options: { maxIterations: 1, qualityThreshold: 0.5 }, origin: { kind: "api" }, workspace: "/w" });
store.queue.enqueue(task("crashed"), { deliveryKey: "api:req-1" });
store.queue.enqueue(task("waiting"), { concurrencyKey: "k" });
const started = store.queue.claimNext();
store.applyEvent({ type: "task.started", taskId: started.id, seq: 1, at: new Date().toISOString(), description: "d", model: "m/x", maxIterations: 1, qualityThreshold: 0.5, workspace: "/w" });
process.stdout.write("ready\\n");
setTimeout(() => {}, 30000);
`;

async function runAndKill(dbPath: string): Promise<NodeJS.Signals | null> {
  const child = spawn(process.execPath, ["--input-type=module", "-e", CHILD], {
    env: { ...process.env, STORE_MODULE: storeModule, DB_PATH: dbPath },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve());
    child.on("exit", () => reject(new Error(`child exited before it was ready: ${stderr}`)));
  });
  await ready;
  child.kill("SIGKILL");
  return exited;
}

describe("durability", () => {
  it("keeps what a process stored before it was killed with SIGKILL, and recovers its running task", async () => {
    const dbPath = join(tempDir(), "data", "openkoi.db");
    expect(await runAndKill(dbPath)).toBe("SIGKILL");
    expect(existsSync(`${dbPath}-wal`)).toBe(true);

    const store = openTestStore(dbPath);
    expect(store.getTask("crashed")).toMatchObject({ status: "running", attempts: 1, model: "m/x", lastSeq: 1 });
    expect(store.getTask("waiting")).toMatchObject({ status: "queued", concurrencyKey: "k" });
    expect(store.claimDelivery("api:req-1")).toBe(false);
    expect(store.events("crashed").map((e) => e.type)).toEqual(["task.started"]);

    expect(store.queue.recover("retry")).toEqual({ requeued: ["crashed"], interrupted: [] });
    expect(store.queue.claimNext()?.id).toBe("crashed");
    expect(store.queue.claimNext()?.id).toBe("waiting");
  });
});
