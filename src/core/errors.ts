/** One small error vocabulary. Thrown across module boundaries; caught by the HTTP app, the agent loop and the CLI. */
export class OpenKoiError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Invalid configuration or usage: the CLI exits 2. */
export class ConfigError extends OpenKoiError {
  readonly problems: string[];
  constructor(message: string, problems: string[] = []) {
    super("CONFIG_INVALID", message);
    this.problems = problems;
  }
}

export class UsageError extends OpenKoiError {
  constructor(message: string) {
    super("USAGE", message);
  }
}

/** A signature or token did not check out: HTTP 401. */
export class VerificationError extends OpenKoiError {
  constructor(message: string) {
    super("VERIFICATION_FAILED", message);
  }
}

export class NotFoundError extends OpenKoiError {
  constructor(message: string) {
    super("NOT_FOUND", message);
  }
}

/** How a model provider failed, normalized across SDKs; drives the one retry owner. */
export type ProviderErrorKind = "retryable" | "rate_limited" | "context_overflow" | "auth" | "fatal";

export class ProviderError extends OpenKoiError {
  readonly kind: ProviderErrorKind;
  readonly provider: string;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  constructor(init: { kind: ProviderErrorKind; provider: string; message: string; status?: number; retryAfterMs?: number }, options?: { cause?: unknown }) {
    super(`PROVIDER_${init.kind.toUpperCase()}`, init.message, options);
    this.kind = init.kind;
    this.provider = init.provider;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** The task was cancelled (by a user, a shutdown, or a chat Stop button). */
export class CancelledError extends OpenKoiError {
  constructor(message = "Task cancelled") {
    super("CANCELLED", message);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The hub is shutting down: the task stops at a safe point and is marked interrupted (not cancelled by anyone). */
export class InterruptedError extends OpenKoiError {
  constructor(message = "Interrupted: the hub is shutting down") {
    super("INTERRUPTED", message);
  }
}

/** A platform asked us to slow down; callers wait `retryAfterMs` (bounded) and try again. */
export class RateLimitedError extends OpenKoiError {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super("RATE_LIMITED", message);
  }
}

/**
 * A limit of ours was reached (a description too long, too many queued tasks, too many requests): the API answers
 * `status` (413 or 429, with Retry-After when `retryAfterMs` is set), a chat gets `message` as its one reply.
 */
export class LimitExceededError extends OpenKoiError {
  constructor(
    code: "DESCRIPTION_TOO_LONG" | "TOO_MANY_QUEUED" | "RATE_LIMITED",
    message: string,
    readonly status: 413 | 429,
    readonly retryAfterMs?: number,
  ) {
    super(code, message);
  }
}
