import { randomUUID } from "node:crypto";
import type { Tool } from "../core/tool.js";
import type { HeldAction } from "./types.js";

/**
 * Wraps a write tool so that a call is recorded now and performed only once the work has passed review
 * (`require_passing_score`); the loop runs the accepted attempt's held actions, or none (see `releaseHeld`).
 * Invalid input is not held: the model sees the tool's own validation error at once.
 */
export function holdUntilPassed(tool: Tool, held: HeldAction[]): Tool {
  return {
    ...tool,
    async run(input, context) {
      const parsed = tool.schema.safeParse(input);
      if (!parsed.success) return tool.run(input, context);
      held.push({ callId: randomUUID(), name: tool.name, input, run: () => tool.run(parsed.data, context) });
      return { output: `Held: ${tool.name} will run only after the work passes review (require_passing_score). Continue as if it succeeded.` };
    },
  };
}
