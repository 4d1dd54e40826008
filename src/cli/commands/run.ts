import { randomUUID } from "node:crypto";
import { UsageError } from "../../core/errors.js";
import type { TaskEventBody } from "../../core/events.js";
import { formatModelRef } from "../../core/model.js";
import { redactRequest } from "../../core/redact.js";
import type { TaskRequest } from "../../core/task.js";
import { createHub, type Hub } from "../../hub.js";
import { numberFlag, type ParsedArgs } from "../args.js";
import { EXIT } from "../exit.js";
import { createProgressSink } from "../progress.js";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").trim();
}

async function ask(question: string): Promise<string> {
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

/** The task text: arguments, `--stdin` or piped input, or (on a terminal) a prompt. */
async function taskText(args: ParsedArgs): Promise<string> {
  const fromArgs = args.positionals.join(" ").trim();
  if (fromArgs && !args.flags.stdin) return fromArgs;
  if (args.flags.stdin || !process.stdin.isTTY) {
    const piped = await readStdin();
    return [fromArgs, piped].filter(Boolean).join("\n\n");
  }
  return ask("What should openkoi do? ");
}

function failureLine(result: TaskEventBody): string {
  if (result.type === "task.failed") return `failed: ${result.message}`;
  if (result.type === "task.cancelled" || result.type === "task.interrupted") return `cancelled: ${result.reason}`;
  return `ended with ${result.type}`;
}

interface RunFlags {
  maxIterations: number | undefined;
  quality: number | undefined;
  quiet: boolean;
}

async function buildRequest(args: ParsedArgs, hub: Hub, description: string, { maxIterations, quality, quiet }: RunFlags): Promise<TaskRequest> {
  const choice = await hub.providers.chooseModel(typeof args.flags.model === "string" ? args.flags.model : hub.config.models.executor);
  if (choice.note && !quiet) process.stderr.write(`openkoi: ${choice.note}\n`);
  return {
    id: randomUUID(),
    description,
    options: {
      maxIterations: maxIterations ?? hub.config.iteration.max_iterations,
      qualityThreshold: quality ?? hub.config.iteration.quality_threshold,
      model: formatModelRef(choice.ref),
    },
    origin: { kind: "cli", user: process.env.USER },
    workspace: process.cwd(),
  };
}

/** Runs the task until it ends; Ctrl-C (or SIGTERM) cancels it at the next model or tool boundary. */
async function runInterruptibly(hub: Hub, request: TaskRequest, quiet: boolean): Promise<TaskEventBody> {
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error("interrupted (Ctrl-C)"));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    return await hub.runTask(request, quiet ? [] : [createProgressSink()], controller.signal);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

export async function run(args: ParsedArgs): Promise<number> {
  const description = await taskText(args);
  if (!description) throw new UsageError('No task given. Usage: openkoi "describe the task" (or pipe it on stdin). See openkoi --help.');
  const quiet = args.flags.quiet === true;
  const flags: RunFlags = { maxIterations: numberFlag(args.flags, "iterate", 0, 20, true), quality: numberFlag(args.flags, "quality", 0, 1, false), quiet };
  const hub = await createHub();
  try {
    const sandbox = await hub.sandbox.decide("cli");
    if (sandbox.kind === "direct" && sandbox.note && !quiet) process.stderr.write(`openkoi: ${sandbox.note}\n`);
    const request = await buildRequest(args, hub, description, flags);
    hub.store.startTask(redactRequest(hub.redactor, request));
    const result = await runInterruptibly(hub, request, quiet);
    if (result.type === "task.completed") {
      if (result.output) process.stdout.write(`${result.output}\n`);
      return result.passed ? EXIT.ok : EXIT.belowThreshold;
    }
    // Quiet keeps progress off stderr, not the one line that says why nothing came out.
    if (quiet) process.stderr.write(`openkoi: ${failureLine(result)}\n`);
    return EXIT.failed;
  } finally {
    hub.close();
  }
}
