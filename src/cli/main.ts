#!/usr/bin/env node
/**
 * The CLI entry: parses argv and lazily imports exactly one command module, so
 * `openkoi --version` loads no SDK, no zod and no database.
 */
import { ConfigError, UsageError } from "../core/errors.js";
import { type ParsedArgs, parseArgs } from "./args.js";
import { EXIT } from "./exit.js";

type Command = { run(args: ParsedArgs): Promise<number> };

const COMMANDS: Record<string, () => Promise<Command>> = {
  run: () => import("./commands/run.js"),
  status: () => import("./commands/status.js"),
  doctor: () => import("./commands/doctor.js"),
  serve: () => import("./commands/serve.js"),
  daemon: () => import("./commands/daemon.js"),
  chat: () => import("./commands/chat.js"),
  setup: () => import("./commands/setup.js"),
  export: () => import("./commands/export.js"),
  connect: () => import("./commands/connect.js"),
  digest: () => import("./commands/digest.js"),
};

const commandNames = () => [...Object.keys(COMMANDS), "help"];

async function printHelp(name: string | undefined): Promise<number> {
  const { commandHelp, formatCommandHelp, globalHelp } = await import("./help.js");
  if (name === undefined) {
    process.stdout.write(globalHelp());
    return EXIT.ok;
  }
  const command = commandHelp(name);
  if (command) {
    process.stdout.write(formatCommandHelp(command));
    return EXIT.ok;
  }
  const { closestCommand } = await import("./command-words.js");
  const near = closestCommand(name, commandNames());
  throw new UsageError(`openkoi help: no command "${name}".${near ? ` Did you mean "${near}"?` : ""} Commands: ${commandNames().join(", ")}`);
}

/** The command the words name, or the task they are; words that only look like a command are refused (exit 2). */
async function dispatch(args: ParsedArgs): Promise<number> {
  const first = args.positionals[0];
  if (first === "help") return printHelp(args.positionals[1]);
  const load = first !== undefined && Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
  if (load && first !== undefined) {
    args.positionals.shift();
    if (args.flags.help) return printHelp(first);
    return (await load()).run(args);
  }
  if (args.flags.help) return printHelp(undefined);
  const { commandLikeWords } = await import("./command-words.js");
  const refusal = commandLikeWords(args.positionals, commandNames(), args.flags.stdin === true);
  if (refusal) throw new UsageError(refusal);
  return (await COMMANDS.run?.())?.run(args) ?? EXIT.usage;
}

export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.flags.version) {
    const { packageVersion } = await import("../core/version.js");
    process.stdout.write(`openkoi ${packageVersion()}\n`);
    return EXIT.ok;
  }
  // `--config FILE` is the flag form of OPENKOI_CONFIG, which every command reads through resolvePaths().
  if (typeof args.flags.config === "string") process.env.OPENKOI_CONFIG = args.flags.config;
  return dispatch(args);
}

function report(error: unknown): number {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.problems.length ? `Invalid configuration:\n${error.problems.map((p) => `  ${p}`).join("\n")}` : error.message}\n`);
    return EXIT.usage;
  }
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n`);
    return EXIT.usage;
  }
  process.stderr.write(`openkoi: ${error instanceof Error ? error.message : String(error)}\n`);
  return EXIT.failed;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const code = report(error);
    process.exitCode = code;
    // A failed command must end, even if a library left a socket or timer open: exit once nothing else is left to
    // flush (unref: a clean process ends before this fires).
    setTimeout(() => process.exit(code), 2000).unref();
  },
);
