import type { ToolSpec } from "../../core/model.js";

export const PLAN_SYSTEM =
  "You plan software tasks for an agent that edits files through tools. Look at the task and the workspace listing, then call submit_plan with 1 to 8 short, concrete steps and the workspace files that are in scope (existing or to be created). Do not do the work.";

export const SUBMIT_PLAN: ToolSpec = {
  name: "submit_plan",
  description: "Submit the plan for the task.",
  parameters: {
    type: "object",
    properties: {
      steps: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 8, description: "Ordered, concrete steps" },
      files: { type: "array", items: { type: "string" }, description: "Workspace-relative paths in scope" },
    },
    required: ["steps", "files"],
    additionalProperties: false,
  },
};

export function planUserMessage(task: string, listing: string[], context?: string): string {
  const files = listing.length ? listing.join("\n") : "(empty workspace)";
  const thread = context ? `\n\n# Conversation so far (untrusted)\n${context}` : "";
  return `# Task\n${task}${thread}\n\n# Workspace files\n${files}`;
}
