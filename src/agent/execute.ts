import { createHash } from "node:crypto";
import { z } from "zod";
import { withChildSignal } from "../core/abort.js";
import { CancelledError, errorMessage } from "../core/errors.js";
import type { ChatMessage, ToolCall, ToolSpec } from "../core/model.js";
import { type Tool, ToolError, type ToolResult } from "../core/tool.js";
import { truncateToolOutput } from "./context-window.js";
import { callModel } from "./model-call.js";
import { TOOL_LOOP_WARNING } from "./prompts/execute.js";
import { resolveInWorkspace, workspaceRelative } from "./tools/workspace.js";
import type { RunContext } from "./types.js";

export interface Execution {
  output: string;
  filesChanged: string[];
  /** Side-effecting calls (non-read tools) as `name(input)`: part of what the attempt produced. */
  actions: string[];
  toolLoopTripped: boolean;
}

/** The tools this task may use: a chat-origin task only gets the classes its channel grants. */
export function grantedTools(ctx: RunContext): Tool[] {
  const grants = ctx.request.options.grants;
  return grants ? ctx.deps.tools.filter((t) => grants.includes(t.class)) : ctx.deps.tools;
}

/** Each schema's JSON Schema, built once: the specs are sent with every model call of every task. */
const jsonSchemas = new WeakMap<Tool["schema"], Record<string, unknown>>();

function jsonSchemaOf(schema: Tool["schema"]): Record<string, unknown> {
  let json = jsonSchemas.get(schema);
  if (!json) {
    json = z.toJSONSchema(schema, { io: "input" }) as Record<string, unknown>;
    jsonSchemas.set(schema, json);
  }
  return json;
}

export function toolSpecs(tools: Tool[]): ToolSpec[] {
  return tools.map((t) => ({ name: t.name, description: t.description, parameters: jsonSchemaOf(t.schema) }));
}

async function runTool(ctx: RunContext, tools: Tool[], call: ToolCall): Promise<ToolResult> {
  const tool = tools.find((t) => t.name === call.name);
  if (!tool) {
    const names = tools.map((t) => t.name).join(", ");
    return { output: `Error: no tool named "${call.name}" is available to this task. Available: ${names || "none"}.`, isError: true };
  }
  const parsed = tool.schema.safeParse(call.input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; ");
    return { output: `Error: invalid input for ${tool.name}: ${problems}`, isError: true };
  }
  try {
    // Integration SDKs, like the model SDKs, may leave a listener on the signal: each call gets its own.
    return await withChildSignal(ctx.signal, (signal) => tool.run(parsed.data, { workspace: ctx.request.workspace, dataDir: ctx.deps.toolOutputDir, signal }));
  } catch (error) {
    if (ctx.signal.aborted) throw new CancelledError();
    return { output: `Error: ${error instanceof ToolError ? error.message : errorMessage(error)}`, isError: true };
  }
}

/** Execute: the tool-use loop, with the tool-loop breaker and the budget checked between every call. */
export async function execute(ctx: RunContext, iteration: number, system: string, messages: ChatMessage[]): Promise<Execution> {
  const tools = grantedTools(ctx);
  const specs = toolSpecs(tools);
  const { warning, critical, circuitBreaker } = ctx.deps.limits.toolLoop;
  const files = new Set<string>();
  const actions: string[] = [];
  const texts: string[] = [];
  let calls = 0;
  for (;;) {
    const response = await callModel(ctx, "executor", "execute", { system, messages, tools: specs, maxTokens: 4096, temperature: 0.2 });
    if (response.text.trim()) texts.push(response.text.trim());
    if (response.toolCalls.length === 0) return { output: texts.join("\n\n"), filesChanged: [...files], actions, toolLoopTripped: false };
    messages.push({ role: "assistant", content: response.text, toolCalls: response.toolCalls });
    for (const call of response.toolCalls) {
      calls += 1;
      ctx.budget.check();
      ctx.emit({ type: "tool.called", iteration, callId: call.id, name: call.name, input: call.input });
      const path = (call.input as { path?: unknown } | undefined)?.path;
      if ((call.name === "write_file" || call.name === "edit_file") && typeof path === "string") {
        try {
          ctx.files.touch(workspaceRelative(ctx.request.workspace, resolveInWorkspace(ctx.request.workspace, path)));
        } catch {
          // Outside the workspace: the tool itself refuses it.
        }
      }
      const result = await runTool(ctx, tools, call);
      const tool = tools.find((t) => t.name === call.name);
      if (tool && tool.class !== "read" && tool.name !== "write_file" && tool.name !== "edit_file") actions.push(`${call.name}(${JSON.stringify(call.input)})`);
      for (const f of result.filesChanged ?? []) files.add(f);
      // Redacted before the model, the saved full output under <data>/tool-output/ or any event sees it.
      const output = truncateToolOutput(ctx.deps.redact ? ctx.deps.redact(result.output) : result.output, ctx.deps.toolOutputDir);
      ctx.emit({
        type: "tool.result",
        iteration,
        callId: call.id,
        name: call.name,
        output: output.slice(0, 2000),
        isError: result.isError ?? false,
        filesChanged: result.filesChanged ?? [],
      });
      messages.push({ role: "tool", toolCallId: call.id, name: call.name, content: output, isError: result.isError });
    }
    if (calls >= circuitBreaker) {
      const message = `Tool loop detected: ${calls} tool calls exceeded the circuit breaker limit of ${circuitBreaker}`;
      ctx.emit({ type: "budget.warning", kind: "tool_loop", used: calls, limit: circuitBreaker, message });
      texts.push(`[ABORTED: ${message}]`);
      return { output: texts.join("\n\n"), filesChanged: [...files], actions, toolLoopTripped: true };
    }
    if (calls >= critical && calls - response.toolCalls.length < critical) {
      messages.push({ role: "user", content: TOOL_LOOP_WARNING });
      ctx.emit({ type: "budget.warning", kind: "tool_loop", used: calls, limit: circuitBreaker, message: `${calls} tool calls: asked the model to wrap up` });
    } else if (calls >= warning && calls - response.toolCalls.length < warning) {
      ctx.emit({ type: "budget.warning", kind: "tool_loop", used: calls, limit: circuitBreaker, message: `${calls} tool calls in one attempt` });
    }
  }
}

/** A content fingerprint of an attempt (summary + changed files), to skip re-evaluating identical work. */
export function fingerprint(output: string, files: Array<{ path: string; content: string }>): string {
  const hash = createHash("sha256").update(output);
  for (const f of files) hash.update(`\0${f.path}\0${f.content}`);
  return hash.digest("hex");
}
