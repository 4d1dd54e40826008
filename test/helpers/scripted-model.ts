import { asRecord, type ReplyFunction, type ScriptedReply } from "../fakes/openai-fake.js";

/** Which phase of the loop a chat request belongs to, read from what the loop sent. */
export function phaseOf(body: Record<string, unknown>, toolChoice: string | undefined): "plan" | "judge" | "execute" | "tool-followup" {
  if (toolChoice === "submit_plan") return "plan";
  if (toolChoice === "submit_evaluation") return "judge";
  const messages = Array.isArray(body.messages) ? body.messages.map(asRecord) : [];
  const last = messages.at(-1);
  return last?.role === "tool" || (Array.isArray(last?.content) && last.content.some((b) => asRecord(b).type === "tool_result")) ? "tool-followup" : "execute";
}

export interface LoopScript {
  plan?: { steps: string[]; files: string[] };
  /** What each iteration's first executor turn does (a tool call), by iteration index. */
  execute: (iteration: number) => ScriptedReply;
  /** The judge's scores per evaluation (0–10 per dimension), by evaluation index. */
  judge: (evaluation: number, dimensions: string[]) => { scores: Record<string, number>; findings?: unknown[] };
  summary?: string;
}

/** A model fake script that plays a whole loop deterministically: plan, tool calls, evaluation scores. */
export function loopScript(script: LoopScript): ReplyFunction {
  let executions = 0;
  let evaluations = 0;
  return (body, view) => {
    const phase = phaseOf(body, view.toolChoice);
    if (phase === "plan") {
      return { toolCalls: [{ name: "submit_plan", input: script.plan ?? { steps: ["Do the task"], files: [] } }] };
    }
    if (phase === "judge") {
      const tool = (Array.isArray(body.tools) ? body.tools : []).map(asRecord).find((t) => (asRecord(t.function).name ?? t.name) === "submit_evaluation");
      const params = asRecord(asRecord(tool?.function).parameters ?? tool?.input_schema);
      const dims = Object.keys(asRecord(asRecord(asRecord(params.properties).scores).properties));
      const verdict = script.judge(evaluations++, dims);
      return { toolCalls: [{ name: "submit_evaluation", input: { scores: verdict.scores, findings: verdict.findings ?? [], summary: "ok" } }] };
    }
    if (phase === "execute") return script.execute(executions++);
    return { text: script.summary ?? "Done: made the change." };
  };
}
