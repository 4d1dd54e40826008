/**
 * What a task hooks onto abort signals is gone when the task (or the call) ends. The model SDKs add a listener to the
 * signal they are given on every request and never remove it; on a signal shared by the task those pile up, and on
 * an `AbortSignal.any` composite they kept every finished task alive (Node holds such a signal while it has listeners).
 */
import { getEventListeners } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { BoundModel } from "../../src/agent/types.js";
import { childAbort } from "../../src/core/abort.js";
import type { Tool } from "../../src/core/tool.js";
import { createOpenAIProvider } from "../../src/providers/openai.js";
import { type ModelFake, startOpenAIFake } from "../fakes/openai-fake.js";
import { loopScript, phaseOf } from "../helpers/scripted-model.js";
import { request, runLoop } from "./loop-helpers.js";

const abortListeners = (signal: AbortSignal) => getEventListeners(signal, "abort").length;

/** The real OpenAI provider, noting the signal each call was given and how many listeners it had on arrival. */
function recordingModel(fake: ModelFake, seen: Array<{ signal: AbortSignal; listenersOnArrival: number }>): BoundModel {
  const real = createOpenAIProvider({ id: "openai", apiKey: "sk-test", baseURL: fake.baseURL });
  return {
    ref: { provider: "openai", model: "gpt-4.1" },
    provider: {
      id: real.id,
      listModels: (signal) => real.listModels(signal),
      chat(req, options = {}) {
        if (options.signal) seen.push({ signal: options.signal, listenersOnArrival: abortListeners(options.signal) });
        return real.chat(req, options);
      },
    },
  };
}

/** A tool that, like an integration SDK, leaves a listener on the signal it is given. */
function leavesAListener(seen: AbortSignal[]): Tool {
  return {
    name: "probe",
    description: "Probe something.",
    class: "read",
    schema: z.object({}),
    async run(_input, ctx) {
      seen.push(ctx.signal);
      ctx.signal.addEventListener("abort", () => {});
      return { output: "probed" };
    },
  };
}

describe("abort signals in the loop", () => {
  let fake: ModelFake;
  beforeAll(async () => {
    fake = await startOpenAIFake();
  });
  afterAll(() => fake.close());

  it("gives every model and tool call a signal of its own and leaves nothing on the task's signal", async () => {
    // Twelve tool calls in one attempt: 14 model calls, more than the 10 listeners Node warns about on one signal.
    let calls = 0;
    const script = loopScript({
      execute: () => ({ toolCalls: [{ name: "probe", input: {} }] }),
      judge: (_n, dims) => ({ scores: Object.fromEntries(dims.map((d) => [d, 9])) }),
    });
    fake.respondWith((body, view, req) => {
      if (phaseOf(body, view.toolChoice) === "tool-followup" && ++calls < 12) return { toolCalls: [{ name: "probe", input: {} }] };
      return script(body, view, req);
    });
    const models: Array<{ signal: AbortSignal; listenersOnArrival: number }> = [];
    const tools: AbortSignal[] = [];
    const bound = recordingModel(fake, models);
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on("warning", onWarning);
    const task = new AbortController();
    try {
      const { result } = await runLoop(fake, request({}, { maxIterations: 1 }), {
        signal: task.signal,
        tools: [leavesAListener(tools)],
        deps: { executor: bound, evaluator: bound, planner: bound },
        limits: { toolLoop: { warning: 100, critical: 100, circuitBreaker: 100 } },
      });
      await new Promise((r) => setImmediate(r));
      expect(result.type).toBe("task.completed");
    } finally {
      process.off("warning", onWarning);
    }
    expect(models).toHaveLength(15);
    expect(tools).toHaveLength(12);
    // A fresh signal per call, each arriving without listeners: nothing accumulates from one call to the next.
    expect(new Set([...models.map((m) => m.signal), ...tools]).size).toBe(27);
    expect(models.map((m) => m.listenersOnArrival)).toEqual(Array(15).fill(0));
    // The SDK did leave its listener behind, on the call's own signal only.
    expect(models.map((m) => abortListeners(m.signal))).toEqual(Array(15).fill(1));
    expect(abortListeners(task.signal)).toBe(0);
    expect(warnings).not.toContain("MaxListenersExceededWarning");
  });
});

describe("childAbort", () => {
  it("follows its parent until released, and unhooks from it on release", () => {
    const parent = new AbortController();
    const child = childAbort(parent.signal);
    expect(abortListeners(parent.signal)).toBe(1);
    child.release();
    expect(abortListeners(parent.signal)).toBe(0);
    parent.abort(new Error("late"));
    expect(child.signal.aborted).toBe(false);

    const other = new AbortController();
    const follower = childAbort(other.signal);
    other.abort(new Error("why"));
    expect(follower.signal.aborted).toBe(true);
    expect((follower.signal.reason as Error).message).toBe("why");
  });

  it("aborts on its own without aborting the parent, and starts aborted under an aborted parent", () => {
    const parent = new AbortController();
    const child = childAbort(parent.signal);
    child.abort(new Error("deadline"));
    expect(child.signal.aborted).toBe(true);
    expect(parent.signal.aborted).toBe(false);
    parent.abort(new Error("gone"));
    expect(childAbort(parent.signal).signal.aborted).toBe(true);
  });
});
