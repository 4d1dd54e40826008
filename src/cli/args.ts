import { UsageError } from "../core/errors.js";
import { closestCommand } from "./command-words.js";

export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | boolean>;
}

/** Flags that take a value, by every spelling, mapped to their canonical name. */
const VALUE_FLAGS: Record<string, string> = {
  "-i": "iterate",
  "--iterate": "iterate",
  "--iterations": "iterate",
  "-q": "quality",
  "--quality": "quality",
  "-m": "model",
  "--model": "model",
  "--since": "since",
  "--config": "config",
  "--url": "url",
  "-o": "output",
  "--output": "output",
};

const BOOLEAN_FLAGS: Record<string, string> = {
  "-h": "help",
  "--help": "help",
  "-V": "version",
  "--version": "version",
  "--quiet": "quiet",
  "--stdin": "stdin",
  "--costs": "costs",
  "--live": "live",
  "--verbose": "verbose",
  "--preview": "preview",
  "--send": "send",
  "--force": "force",
  "--html": "html",
};

/** Every flag spelling the parser accepts (the help must name each one). */
export const FLAG_SPELLINGS: readonly string[] = [...Object.keys(VALUE_FLAGS), ...Object.keys(BOOLEAN_FLAGS)];

/** A small argv parser: no dependency, so `openkoi --version` loads nothing. */
export function parseArgs(argv: string[]): ParsedArgs {
  const positionals: string[] = [];
  const flags: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    const [name, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    // Own keys only: a word such as "constructor" is not a flag.
    const valueFlag = Object.hasOwn(VALUE_FLAGS, name) ? VALUE_FLAGS[name] : undefined;
    const booleanFlag = Object.hasOwn(BOOLEAN_FLAGS, name) ? BOOLEAN_FLAGS[name] : undefined;
    if (valueFlag) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      flags[valueFlag] = value;
    } else if (booleanFlag) {
      flags[booleanFlag] = true;
    } else if (arg.startsWith("-") && arg.length > 1) {
      const near = name.startsWith("--") ? closestCommand(name, FLAG_SPELLINGS) : undefined;
      throw new UsageError(`Unknown option ${name}.${near ? ` Did you mean ${near}?` : ""} Run openkoi --help.`);
    } else positionals.push(arg);
  }
  return { positionals, flags };
}

export function numberFlag(flags: ParsedArgs["flags"], name: string, min: number, max: number, integer: boolean): number | undefined {
  const raw = flags[name];
  if (raw === undefined || typeof raw === "boolean") return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new UsageError(`--${name} must be ${integer ? "an integer" : "a number"} from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}
