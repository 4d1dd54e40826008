import type { Limits } from "../../src/agent/budget.js";
import { runAgent } from "../../src/agent/loop.js";
import { builtinTools } from "../../src/agent/tools/index.js";
import type { AgentDeps } from "../../src/agent/types.js";
import { configSchema } from "../../src/config/schema.js";
import { createEmitter, type TaskEvent, type TaskEventBody } from "../../src/core/events.js";
import type { TaskRequest } from "../../src/core/task.js";
import type { Tool } from "../../src/core/tool.js";
import { limitsFromConfig } from "../../src/hub.js";
import { createOpenAIProvider } from "../../src/providers/openai.js";
import { runCommand } from "../../src/sandbox/process.js";
import type { ModelFake } from "../fakes/openai-fake.js";
import { tempDir } from "../helpers/cli.js";

/** The limits a config without any `[iteration]`/`[safety]` table gets (the schema's defaults are the one source). */
const DEFAULT_LIMITS = limitsFromConfig(configSchema.parse({}));

export function request(overrides: Partial<TaskRequest> = {}, options: Partial<TaskRequest["options"]> = {}): TaskRequest {
  return {
    id: `t-${Math.random().toString(36).slice(2)}`,
    description: "Do the task",
    options: { maxIterations: 3, qualityThreshold: 0.8, ...options },
    origin: { kind: "cli" },
    workspace: tempDir("loop-ws"),
    ...overrides,
  };
}

/** The real loop with the real OpenAI provider pointed at the scripted fake. */
export async function runLoop(
  fake: ModelFake,
  req: TaskRequest,
  opts: {
    limits?: Partial<Limits>;
    tools?: Tool[];
    price?: AgentDeps["price"];
    signal?: AbortSignal;
    deps?: Partial<AgentDeps>;
    /** Sees each event as it is emitted (to act on one, e.g. cancel once a tool is called). */
    onEvent?: (event: TaskEvent) => void;
  } = {},
): Promise<{ result: TaskEventBody; events: TaskEvent[]; toolOutputDir: string }> {
  const provider = createOpenAIProvider({ id: "openai", apiKey: "sk-test", baseURL: fake.baseURL });
  const bound = { provider, ref: { provider: "openai", model: "gpt-4.1" } };
  const toolOutputDir = tempDir("tool-output");
  const deps: AgentDeps = {
    executor: bound,
    evaluator: bound,
    planner: bound,
    price: opts.price ?? (() => ({ costUsd: 0, priced: false })),
    tools: opts.tools ?? builtinTools({ shellTimeoutSeconds: 30, run: runCommand }),
    rubric: {
      name: "general",
      body: "Judge it.",
      dimensions: [
        { name: "correctness", weight: 0.6 },
        { name: "style", weight: 0.4 },
      ],
    },
    guidance: [],
    checks: [],
    limits: { ...DEFAULT_LIMITS, ...opts.limits, toolLoop: { ...DEFAULT_LIMITS.toolLoop, ...opts.limits?.toolLoop } },
    toolOutputDir,
    ...opts.deps,
  };
  const events: TaskEvent[] = [];
  const emit = createEmitter(req.id, [(e) => events.push(e), ...(opts.onEvent ? [opts.onEvent] : [])]);
  const result = await runAgent(req, deps, emit, opts.signal ?? new AbortController().signal);
  return { result, events, toolOutputDir };
}
