import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import type { TaskEventBody } from "../../src/core/events.js";
import { createEmitter } from "../../src/core/events.js";
import type { TaskRequest } from "../../src/core/task.js";
import { openStore, type Store } from "../../src/store/index.js";

const dirs: string[] = [];
const stores: Store[] = [];

afterEach(() => {
  for (const store of stores.splice(0)) if (store.db.open) store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "openkoi-store-"));
  dirs.push(dir);
  return dir;
}

/** A clock that advances one second per reading, so stored times are distinct and ordered. */
export function tickingClock(start = "2025-03-01T09:00:00.000Z"): () => Date {
  let at = Date.parse(start);
  return () => {
    at += 1000;
    return new Date(at);
  };
}

export function openTestStore(path = join(tempDir(), "data", "openkoi.db"), now = tickingClock()): Store {
  const store = openStore(path, { now });
  stores.push(store);
  return store;
}

let counter = 0;
export function request(overrides: Partial<TaskRequest> = {}): TaskRequest {
  counter += 1;
  return {
    id: `task-${counter}`,
    description: `Fix bug ${counter}`,
    options: { maxIterations: 3, qualityThreshold: 0.8, model: "anthropic/claude-sonnet-4-5" },
    origin: { kind: "slack", user: "U1", thread: { channel: "slack", conversation: "C1", thread: "1700.1" } },
    workspace: "/srv/repo",
    ...overrides,
  };
}

/** The real core emitter wired to the store; sink errors fail the test instead of vanishing. */
export function emitterFor(store: Store, taskId: string, startSeq = 0): (body: TaskEventBody) => void {
  const emit = createEmitter(taskId, [store.applyEvent], startSeq, (error) => {
    throw error;
  });
  return (body) => void emit(body);
}
