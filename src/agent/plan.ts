import type { Finding, Plan } from "../core/events.js";
import { callModel } from "./model-call.js";
import { PLAN_SYSTEM, planUserMessage, SUBMIT_PLAN } from "./prompts/plan.js";
import { walkFiles } from "./tools/glob.js";
import type { RunContext } from "./types.js";

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string" && v.trim() !== "").map((v) => v.trim()) : [];
}

/** Asks the planner for steps and files in scope; a model that answers in prose still yields a plan. */
export async function makePlan(ctx: RunContext): Promise<Plan> {
  const listing = walkFiles(ctx.request.workspace, 200);
  const response = await callModel(ctx, "planner", "plan", {
    system: PLAN_SYSTEM,
    messages: [{ role: "user", content: planUserMessage(ctx.request.description, listing, ctx.request.history) }],
    tools: [SUBMIT_PLAN],
    toolChoice: SUBMIT_PLAN.name,
    maxTokens: 1024,
    temperature: 0.2,
  });
  const call = response.toolCalls.find((c) => c.name === SUBMIT_PLAN.name);
  const input = (call?.input ?? {}) as { steps?: unknown; files?: unknown };
  let steps = asStrings(input.steps).slice(0, 8);
  if (steps.length === 0) {
    steps = response.text
      .split("\n")
      .map((line) => line.replace(/^\s*(?:\d+[.)]|[-*])\s*/, "").trim())
      .filter(Boolean)
      .slice(0, 8);
  }
  if (steps.length === 0) steps = [ctx.request.description];
  return { steps, files: asStrings(input.files).slice(0, 30) };
}

/** Refine: drop the previous round's fix steps and add one per blocker/important finding. */
export function revisePlan(plan: Plan, findings: Finding[]): Plan {
  const base = plan.steps.filter((s) => !s.startsWith("Fix: "));
  const fixes = findings
    .filter((f) => f.severity !== "suggestion")
    .slice(0, 8)
    .map((f) => `Fix: ${f.title}${f.fix ? ` - ${f.fix}` : ""}`);
  return { steps: [...base, ...fixes], files: plan.files };
}
