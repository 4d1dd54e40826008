import type { Redactor } from "./redact.js";

/** A tiny leveled logger on stderr; level from OPENKOI_LOG_LEVEL (default warn). */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** With a redactor, known secrets never reach the log (fields are redacted before they are serialised). */
export function createLogger(level: LogLevel = "warn", write: (line: string) => void = (l) => process.stderr.write(l), redactor?: Redactor): Logger {
  const min = ORDER[level] ?? ORDER.warn;
  const log = (lvl: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < min) return;
    const extra = fields ? ` ${JSON.stringify(redactor ? redactor.value(fields) : fields)}` : "";
    write(`${new Date().toISOString()} ${lvl.toUpperCase()} ${redactor ? redactor.text(message) : message}${extra}\n`);
  };
  return { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };
}

export function parseLogLevel(text: string | undefined, fallback: LogLevel = "warn"): LogLevel {
  const value = (text ?? "").toLowerCase();
  return value in ORDER ? (value as LogLevel) : fallback;
}
