/**
 * Redaction of known secret values (config tokens, provider keys, the API token) from anything the hub writes or
 * sends: a defence in depth behind the sandbox, applied at a few chokepoints (the task emitter, the intake, the
 * logger, tool results). Pure: it knows values, not where they came from.
 */
import type { TaskRequest } from "./task.js";

export interface Secret {
  /** Where the value came from, shown in the marker: a config path or an environment variable's name. */
  name: string;
  value: string;
}

export interface Redactor {
  /** How many distinct values (with their encoded variants) it looks for; 0 means it returns its input. */
  readonly size: number;
  /** The text with every known secret replaced by `[redacted:NAME]`; the same string when none occurs. */
  text(text: string): string;
  /** Strings anywhere in plain objects and arrays redacted; the same object (not a copy) when nothing changed. */
  value<T>(value: T): T;
}

/** Shorter values are not treated as secrets, so ordinary words ("true", "ollama", a port) are never mangled. */
export const MIN_SECRET_LENGTH = 8;
/** Deeper structures than this are left as they are: only client-supplied data nests so deep, and it holds no hub secret. */
const MAX_DEPTH = 64;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");

/** A value as it also appears in JSON text and in URLs, so `cat config.json` or a logged URL is caught too. */
function variants(value: string): string[] {
  const trimmed = value.trim();
  const all = new Set([value, trimmed, JSON.stringify(trimmed).slice(1, -1), encodeURIComponent(trimmed)]);
  return [...all].filter((v) => v.length >= MIN_SECRET_LENGTH);
}

const IDENTITY: Redactor = { size: 0, text: (text) => text, value: (value) => value };

export function createRedactor(secrets: Iterable<Secret>): Redactor {
  const names = new Map<string, string>();
  for (const secret of secrets) {
    for (const variant of variants(secret.value)) if (!names.has(variant)) names.set(variant, secret.name);
  }
  if (names.size === 0) return IDENTITY;
  // Longest first: where one secret is a prefix of another, the alternation takes the whole longer one.
  const alternation = [...names.keys()]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join("|");
  const probe = new RegExp(alternation);
  // A lookahead finds a match starting at every position, so overlapping secrets are covered as one range.
  const starts = new RegExp(`(?=(${alternation}))`, "g");
  const shortest = Math.min(...[...names.keys()].map((v) => v.length));

  const text = (input: string): string => {
    if (input.length < shortest || !probe.test(input)) return input;
    let out = "";
    let from = 0;
    let range: { start: number; end: number; name: string } | undefined;
    const flush = () => {
      if (!range) return;
      out += `${input.slice(from, range.start)}[redacted:${range.name}]`;
      from = range.end;
    };
    for (const match of input.matchAll(starts)) {
      const start = match.index;
      const found = match[1] ?? "";
      const end = start + found.length;
      if (range && start < range.end) {
        range.end = Math.max(range.end, end);
        continue;
      }
      flush();
      range = { start, end, name: names.get(found) ?? "secret" };
    }
    flush();
    return out + input.slice(from);
  };

  const walk = (value: unknown, depth: number): unknown => {
    if (typeof value === "string") return text(value);
    if (value === null || typeof value !== "object" || depth >= MAX_DEPTH) return value;
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      for (const [i, item] of value.entries()) {
        const next = walk(item, depth + 1);
        if (next === item) continue;
        copy ??= [...value];
        copy[i] = next;
      }
      return copy ?? value;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value;
    let copy: Record<string, unknown> | undefined;
    const record = value as Record<string, unknown>;
    // for…in over a plain object: no entries array per event on the hot path.
    for (const key in record) {
      const item = record[key];
      const next = walk(item, depth + 1);
      if (next === item) continue;
      copy ??= { ...value };
      copy[key] = next;
    }
    return copy ?? value;
  };

  return { size: names.size, text, value: <T>(value: T) => walk(value, 0) as T };
}

/**
 * A request's free text (description, thread context, metadata) redacted: what is stored and shown of it.
 * Origin and workspace stay as they are: they address the reply and the directory, and hold no credentials.
 */
export function redactRequest(redactor: Redactor, request: TaskRequest): TaskRequest {
  if (redactor.size === 0) return request;
  const description = redactor.text(request.description);
  const history = request.history === undefined ? undefined : redactor.text(request.history);
  const metadata = redactor.value(request.metadata);
  if (description === request.description && history === request.history && metadata === request.metadata) return request;
  return { ...request, description, ...(history === undefined ? {} : { history }), ...(metadata === undefined ? {} : { metadata }) };
}
