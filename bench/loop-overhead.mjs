// Loop overhead per iteration: the real agent loop against an instant in-process model (no network).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function instantModel() {
  let n = 0;
  return {
    id: "instant",
    listModels: async () => [{ id: "m" }],
    async chat(req) {
      n += 1;
      const usage = { inputTokens: 10, outputTokens: 5 };
      if (req.toolChoice === "submit_plan")
        return {
          text: "",
          toolCalls: [{ id: `p${n}`, name: "submit_plan", input: { steps: ["write"], files: ["out.txt"] } }],
          usage,
          stopReason: "tool_use",
          model: "m",
        };
      if (req.toolChoice === "submit_evaluation")
        return {
          text: "",
          toolCalls: [
            {
              id: `e${n}`,
              name: "submit_evaluation",
              input: {
                scores: { quality: 5 },
                findings: [{ severity: "important", dimension: "quality", title: "t", description: "d", fix: "f" }],
                summary: "s",
              },
            },
          ],
          usage,
          stopReason: "tool_use",
          model: "m",
        };
      const last = req.messages.at(-1);
      if (last?.role === "tool") return { text: `done ${n}`, toolCalls: [], usage, stopReason: "end", model: "m" };
      return {
        text: "",
        toolCalls: [{ id: `w${n}`, name: "write_file", input: { path: "out.txt", content: `v${n}` } }],
        usage,
        stopReason: "tool_use",
        model: "m",
      };
    },
  };
}

export async function loopOverhead(iterations = 20, repeats = 5) {
  const { runAgent } = await import("../dist/agent/loop.js");
  const { builtinTools } = await import("../dist/agent/tools/index.js");
  const { limitsFromConfig } = await import("../dist/hub.js");
  const { configSchema } = await import("../dist/config/schema.js");
  const DEFAULT_LIMITS = limitsFromConfig(configSchema.parse({}));
  const { createEmitter } = await import("../dist/core/events.js");
  const perIteration = [];
  for (let r = 0; r < repeats + 1; r++) {
    const provider = instantModel();
    const bound = { provider, ref: { provider: "instant", model: "m" } };
    const workspace = mkdtempSync(join(tmpdir(), "openkoi-bench-ws-"));
    const deps = {
      executor: bound,
      evaluator: bound,
      planner: bound,
      price: () => ({ costUsd: 0, priced: false }),
      tools: builtinTools({ shellTimeoutSeconds: 5 }),
      rubric: { name: "bench", body: "b", dimensions: [{ name: "quality", weight: 1 }] },
      guidance: [],
      checks: [],
      limits: { ...DEFAULT_LIMITS, abortOnRegression: false, tokenBudget: 1e9 },
      toolOutputDir: join(workspace, ".out"),
    };
    const request = { id: `b${r}`, description: "bench", options: { maxIterations: iterations, qualityThreshold: 1 }, origin: { kind: "cli" }, workspace };
    const emit = createEmitter(request.id, [() => {}]);
    const start = process.hrtime.bigint();
    const result = await runAgent(request, deps, emit, new AbortController().signal);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.iterations !== iterations) throw new Error(`expected ${iterations} iterations, got ${JSON.stringify(result).slice(0, 200)}`);
    if (r > 0) perIteration.push(ms / iterations);
  }
  const { median } = await import("./lib.mjs");
  const value = median(perIteration);
  return [{ name: "loop overhead per iteration (instant model)", value: `${value.toFixed(2)} ms`, absolute: value, target: 5 }];
}
