/**
 * Every command's help as data: the global help, `openkoi help <command>` and `<command> --help` are all built
 * from this table, so a new command or flag is one entry (or one line) here.
 */
export interface CommandHelp {
  name: string;
  /** How it is typed, one line per form. */
  usage: string[];
  summary: string;
  /** The flags it takes (beyond the global ones): [spelling, what it does]. */
  flags?: Array<[string, string]>;
  /** More about it, shown by `openkoi help <name>`. */
  details?: string[];
}

export const TASK_FLAGS: Array<[string, string]> = [
  ["-i, --iterate N", "max iterations, 0–20 (default 3; 0 = execute once, not evaluated); also --iterations"],
  ["-q, --quality X", "quality threshold 0–1 (default 0.8)"],
  ["-m, --model P/M", "provider/model, or a bare model name looked up in every provider (default: the best model listed)"],
  ["--quiet", "only the result on stdout; on stderr nothing but the reason of a failure"],
  ["--stdin", "read the task from standard input (words given too come first)"],
];

export const GLOBAL_FLAGS: Array<[string, string]> = [
  ["--config FILE", "use this config.toml (same as OPENKOI_CONFIG)"],
  ["-h, --help", "this help; with a command, that command's help"],
  ["-V, --version", "print the version"],
];

const EXIT_CODES = "Exit codes: 0 threshold reached · 3 finished below the threshold · 1 failed or cancelled · 2 usage or configuration error";

export const COMMANDS_HELP: CommandHelp[] = [
  {
    name: "run",
    usage: ['openkoi "task" [-i N] [-q X] [-m provider/model] [--quiet] [--stdin]', 'openkoi run "task"'],
    summary: "run a task in the current directory (`run`: for a task text that is also a command name)",
    flags: TASK_FLAGS,
    details: [
      "Plans, edits files through tools, scores the result (tests, linter, an LLM judge) and refines until the",
      "threshold or a budget stops it. Progress goes to stderr (a spinner on a terminal), the answer to stdout.",
      EXIT_CODES,
    ],
  },
  {
    name: "chat",
    usage: ["openkoi chat [-i N] [-q X] [-m provider/model]"],
    summary: "a session: each line is a task, earlier exchanges are context (/help inside)",
    flags: TASK_FLAGS.filter(([flag]) => !["--quiet", "--stdin"].includes(flag)),
  },
  {
    name: "status",
    usage: ["openkoi status [--costs] [--live] [--verbose]"],
    summary: "today's cost, the running task and recent tasks (no model is called)",
    flags: [
      ["--costs", "cost by model and by day (30 days)"],
      ["--live", "redraw the current task every second: progress bar, score, cost (Ctrl-C stops)"],
      ["--verbose", "also the config, data and state paths, and the costs"],
    ],
  },
  {
    name: "doctor",
    usage: ["openkoi doctor"],
    summary: "check node, config, data dir, database, sandbox, providers, models, channels and integrations, with a fix for each failure",
    details: ["Exits 1 when a check failed. The model check resolves the default model (or [models]) like `-m` would."],
  },
  {
    name: "serve",
    usage: ["openkoi serve"],
    summary: "the hub in the foreground (REST API, channels) on 127.0.0.1:9742; SIGINT/SIGTERM stop it gracefully",
  },
  {
    name: "daemon",
    usage: ["openkoi daemon start|stop|status"],
    summary: "the hub in the background (pid and log in the data directory)",
    details: ["`daemon status` exits 0 when running, 3 when stopped."],
  },
  {
    name: "setup",
    usage: ["openkoi setup slack|discord|teams|telegram|github [--url URL]"],
    summary: "the platform-side step for a channel (manifest, registration, setWebhook)",
    flags: [["--url URL", "the hub's public https URL, as the platform will call it"]],
  },
  {
    name: "connect",
    usage: ["openkoi connect <provider>", "openkoi connect remove <provider>"],
    summary: "check an API key against the provider, then save it (credentials/<provider>.key, 0600); remove deletes it",
    details: ["The key is read without echo on a terminal, or from stdin."],
  },
  {
    name: "export",
    usage: ["openkoi export [--since DATE] [-o FILE]"],
    summary: "every task with iterations, findings and costs, as JSON (on stdout, or -o/--output a file, mode 0600)",
    flags: [
      ["--since DATE", "only tasks created since this date (e.g. 2026-11-01)"],
      ["-o, --output FILE", "write to this file (mode 0600) instead of stdout"],
    ],
  },
  {
    name: "digest",
    usage: ["openkoi digest --preview [--html]", "openkoi digest --send [--force]"],
    summary: "print the email digest ([digest] in config), or email it now",
    flags: [
      ["--preview", "print the digest as text"],
      ["--html", "with --preview: print its HTML part"],
      ["--send", "email it now (once per window)"],
      ["--force", "with --send: send again a window already sent"],
    ],
  },
  {
    name: "help",
    usage: ["openkoi help [command]"],
    summary: "this help, or one command's",
  },
];

const FLAG_WIDTH = 20;

function flagRows(flags: Array<[string, string]>): string {
  return flags
    .map(([flag, text]) => (flag.length > FLAG_WIDTH ? `  ${flag}\n  ${" ".repeat(FLAG_WIDTH)}  ${text}` : `  ${flag.padEnd(FLAG_WIDTH)}  ${text}`))
    .join("\n");
}

export function commandHelp(name: string): CommandHelp | undefined {
  return COMMANDS_HELP.find((command) => command.name === name);
}

export function globalHelp(): string {
  const usage = COMMANDS_HELP.flatMap((command) => [...command.usage.map((line) => `  ${line}`), `        ${command.summary}`]);
  return [
    "openkoi — an AI agent that reviews its own work (plan → execute → evaluate → refine)",
    "",
    "Usage:",
    ...usage,
    "",
    'Task options (openkoi "task", run, chat):',
    flagRows(TASK_FLAGS),
    "",
    "Options of every command:",
    flagRows(GLOBAL_FLAGS),
    "",
    "`openkoi help <command>` (or `openkoi <command> --help`) explains one command and its options.",
    EXIT_CODES,
    "Environment: OPENKOI_HOME, OPENKOI_CONFIG, OPENKOI_DATA, OPENKOI_MODEL, OPENKOI_LOG_LEVEL, provider keys (ANTHROPIC_API_KEY, OPENAI_API_KEY, …)",
    "",
  ].join("\n");
}

export function formatCommandHelp(command: CommandHelp): string {
  const lines = [`openkoi ${command.name} — ${command.summary}`, "", "Usage:", ...command.usage.map((line) => `  ${line}`)];
  if (command.flags?.length) lines.push("", "Options:", flagRows(command.flags));
  if (command.details?.length) lines.push("", ...command.details);
  lines.push("", `Options of every command: ${GLOBAL_FLAGS.map(([flag]) => flag).join(" · ")}. All commands: openkoi --help`, "");
  return lines.join("\n");
}
