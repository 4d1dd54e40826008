import type { Finding } from "../../core/events.js";
import type { ToolSpec } from "../../core/model.js";
import type { Rubric } from "../types.js";

/** The judge answers only through this tool: one numeric parameter per rubric dimension, with its range stated. */
export function submitEvaluationTool(rubric: Rubric): ToolSpec {
  const scores = Object.fromEntries(
    rubric.dimensions.map((d) => [d.name, { type: "number", minimum: 0, maximum: 10, description: `${d.description ?? d.name} (0 = fails, 10 = excellent)` }]),
  );
  return {
    name: "submit_evaluation",
    description: "Submit scores for every rubric dimension and the findings that justify them.",
    parameters: {
      type: "object",
      properties: {
        scores: { type: "object", properties: scores, required: rubric.dimensions.map((d) => d.name), additionalProperties: false },
        findings: {
          type: "array",
          items: {
            type: "object",
            properties: {
              severity: { type: "string", enum: ["blocker", "important", "suggestion"] },
              dimension: { type: "string", enum: rubric.dimensions.map((d) => d.name) },
              title: { type: "string" },
              description: { type: "string" },
              fix: { type: "string", description: "What to change to resolve it" },
            },
            required: ["severity", "dimension", "title", "description", "fix"],
          },
        },
        summary: { type: "string", description: "One or two sentences" },
      },
      required: ["scores", "findings", "summary"],
      additionalProperties: false,
    },
  };
}

export function judgeSystemPrompt(rubric: Rubric): string {
  return `You are a strict, fair reviewer. Score the work against the rubric below, dimension by dimension, from 0 to 10, and report findings with a concrete fix each (blocker = wrong or unsafe, important = should be fixed, suggestion = nice to have). Answer only by calling submit_evaluation.\n\n## Rubric: ${rubric.name}\n${rubric.body}`;
}

export function judgeUserMessage(input: {
  task: string;
  output: string;
  files: Array<{ path: string; content: string }>;
  checks: string[];
  previousFindings: Finding[];
}): string {
  const files = input.files.length ? input.files.map((f) => `### ${f.path}\n\`\`\`\n${f.content}\n\`\`\``).join("\n\n") : "(no files changed)";
  const checks = input.checks.length ? `\n\n## Project checks\n${input.checks.join("\n")}` : "";
  const previous = input.previousFindings.length
    ? `\n\n## Findings from the previous review (say which remain)\n${input.previousFindings.map((f) => `- [${f.severity.toUpperCase()}] ${f.title}`).join("\n")}`
    : "";
  return `## Task\n${input.task}\n\n## Agent's summary\n${input.output || "(none)"}\n\n## Files changed (current content)\n${files}${checks}${previous}`;
}
