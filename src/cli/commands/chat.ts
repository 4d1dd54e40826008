import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline/promises";
import { formatModelRef } from "../../core/model.js";
import { redactRequest } from "../../core/redact.js";
import type { TaskRequest } from "../../core/task.js";
import { createHub } from "../../hub.js";
import type { ParsedArgs } from "../args.js";
import { numberFlag } from "../args.js";
import { createProgressSink } from "../progress.js";

const HISTORY_CHARS = 8000;

const HELP = `/status  session totals · /model p/m  switch model · /iterate N · /quality X · /history · /cost · /quit`;

/** An interactive session: each line is a task; earlier exchanges travel as (bounded) context. */
export async function run(args: ParsedArgs): Promise<number> {
  const hub = await createHub();
  let model = await hub.providers.resolveModel(typeof args.flags.model === "string" ? args.flags.model : hub.config.models.executor);
  let maxIterations = numberFlag(args.flags, "iterate", 0, 20, true) ?? hub.config.iteration.max_iterations;
  let quality = numberFlag(args.flags, "quality", 0, 1, false) ?? hub.config.iteration.quality_threshold;
  let history = "";
  const done: Array<{ text: string; score: number; costUsd: number }> = [];
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  process.stderr.write(`openkoi chat | ${formatModelRef(model)} | ${HELP}\n\n`);
  const sandbox = await hub.sandbox.decide("cli");
  if (sandbox.kind === "direct" && sandbox.note) process.stderr.write(`openkoi: ${sandbox.note}\n`);
  try {
    // The iterator buffers lines, so input piped in while a task runs is not lost.
    const lines = rl[Symbol.asyncIterator]();
    for (;;) {
      process.stdout.write("> ");
      const next = await lines.next();
      if (next.done) break; // EOF
      const line = String(next.value).trim();
      if (!line) continue;
      if (["quit", "exit", "/quit"].includes(line)) break;
      const [cmd, value] = line.split(/\s+/, 2);
      if (cmd === "/help") process.stderr.write(`${HELP}\n`);
      else if (cmd === "/model" && value) model = await hub.providers.resolveModel(value);
      else if (cmd === "/iterate" && value) maxIterations = numberFlag({ iterate: value }, "iterate", 0, 20, true) ?? maxIterations;
      else if (cmd === "/quality" && value) quality = numberFlag({ quality: value }, "quality", 0, 1, false) ?? quality;
      else if (cmd === "/history")
        process.stderr.write(done.map((d, i) => `${i + 1}. ${d.text.slice(0, 57)} score ${d.score.toFixed(2)} $${d.costUsd.toFixed(4)}\n`).join(""));
      else if (cmd === "/status" || cmd === "/cost") {
        const cost = done.reduce((s, d) => s + d.costUsd, 0);
        process.stderr.write(`${formatModelRef(model)} · -i ${maxIterations} · quality ${quality} · ${done.length} task(s) · $${cost.toFixed(4)}\n`);
      } else if (cmd?.startsWith("/")) process.stderr.write(`Unknown command: ${cmd}. Type /help for commands.\n`);
      else {
        const request: TaskRequest = {
          id: randomUUID(),
          description: line,
          options: { maxIterations, qualityThreshold: quality, model: formatModelRef(model) },
          origin: { kind: "cli", user: process.env.USER },
          workspace: process.cwd(),
          history: history || undefined,
        };
        hub.store.startTask(redactRequest(hub.redactor, request));
        const controller = new AbortController();
        const onInt = () => controller.abort(new Error("interrupted (Ctrl-C)"));
        process.once("SIGINT", onInt);
        const result = await hub.runTask(request, [createProgressSink()], controller.signal);
        process.off("SIGINT", onInt);
        const output = result.type === "task.completed" ? result.output : result.type === "task.failed" ? `Failed: ${result.message}` : "Cancelled.";
        process.stdout.write(`${output}\n`);
        done.push({ text: line, score: result.type === "task.completed" ? result.score : 0, costUsd: result.type === "task.completed" ? result.costUsd : 0 });
        history = `${history}User: ${line}\nAssistant: ${output.slice(0, 500)}\n`.slice(-HISTORY_CHARS);
      }
    }
  } finally {
    rl.close();
    const cost = done.reduce((s, d) => s + d.costUsd, 0);
    process.stderr.write(`Session total: ${done.length} task(s), $${cost.toFixed(2)}\n`);
    hub.close();
  }
  return 0;
}
