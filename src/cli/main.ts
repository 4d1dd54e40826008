#!/usr/bin/env node
/**
 * The CLI entry: parses argv and lazily imports exactly one command module, so
 * `openkoi --version` loads no SDK, no zod and no database.
 */
import { ConfigError, UsageError } from "../core/errors.js";
import { parseArgs } from "./args.js";

export const EXIT = { passed: 0, failed: 1, usage: 2, belowThreshold: 3 } as const;

const COMMANDS: Record<string, () => Promise<{ run(args: ReturnType<typeof parseArgs>): Promise<number> }>> = {
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

const HELP = `openkoi — an AI agent that reviews its own work (plan → execute → evaluate → refine)

Usage:
  openkoi "task" [options]      run a task in the current directory
  openkoi run "task"            the same, for task texts that look like a command
  openkoi chat                  interactive session (each line is a task)
  openkoi status [--costs] [--live]
  openkoi doctor                check node, config, data dir, database, providers
  openkoi serve                 run the hub (REST API, channels) on 127.0.0.1:9742
  openkoi daemon start|stop|status
  openkoi connect <provider>    check and save an API key (~/.openkoi/credentials, mode 0600); connect remove <provider>
  openkoi export [--since DATE] [-o file]   every task (iterations, findings, usage) as JSON
  openkoi setup <channel> [--url https://hub.example.com]   platform-side setup for slack|discord|teams|telegram|github
  openkoi digest --preview|--send   print the email digest ([digest] in config), or email it now

Options:
  -i, --iterate N       max iterations, 0–20 (default 3; 0 = execute once, no evaluation)
  -q, --quality X       quality threshold 0–1 (default 0.8)
  -m, --model P/M       model as provider/model (or a bare model name)
      --config FILE     use this config.toml (same as OPENKOI_CONFIG)
      --stdin           read the task from standard input
      --quiet           only the final result on stdout, nothing on stderr
  -V, --version         print the version
  -h, --help            this help

Exit codes: 0 threshold reached · 3 finished below the threshold · 1 failed or cancelled · 2 usage or configuration error
Environment: OPENKOI_HOME, OPENKOI_CONFIG, OPENKOI_DATA, OPENKOI_MODEL, OPENKOI_LOG_LEVEL, provider keys (ANTHROPIC_API_KEY, OPENAI_API_KEY, …)
`;

export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.flags.version) {
    const { packageVersion } = await import("../core/version.js");
    process.stdout.write(`openkoi ${packageVersion()}\n`);
    return 0;
  }
  if (args.flags.help) {
    process.stdout.write(HELP);
    return 0;
  }
  // `--config FILE` is the flag form of OPENKOI_CONFIG, which every command reads through resolvePaths().
  if (typeof args.flags.config === "string") process.env.OPENKOI_CONFIG = args.flags.config;
  const first = args.positionals[0];
  const load = first !== undefined ? COMMANDS[first] : undefined;
  if (load) args.positionals.shift();
  const command = await (load ?? COMMANDS.run)?.();
  return command ? command.run(args) : EXIT.usage;
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
