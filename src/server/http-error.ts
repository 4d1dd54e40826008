import { ConfigError, LimitExceededError, NotFoundError, OpenKoiError, UsageError, VerificationError } from "../core/errors.js";

/** An error with an HTTP status, rendered as `{"error": {"code", "message"}}`. */
export class ApiError extends OpenKoiError {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 503,
    code: string,
    message: string,
  ) {
    super(code, message);
  }
}

export function statusOf(error: unknown): number {
  if (error instanceof ApiError || error instanceof LimitExceededError) return error.status;
  if (error instanceof VerificationError) return 401;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof UsageError || error instanceof ConfigError) return 400;
  return 500;
}

export interface ErrorBody {
  error: { code: string; message: string; request_id?: string };
}

/** The JSON error body; `requestId` lets an operator find the matching log line (always sent with a 5xx). */
export function errorBody(error: unknown, requestId?: string): ErrorBody {
  const id = requestId === undefined ? {} : { request_id: requestId };
  if (error instanceof OpenKoiError) return { error: { code: error.code, message: error.message, ...id } };
  return { error: { code: "INTERNAL", message: `Internal error; see the hub's log for request ${requestId ?? "(no id)"}.`, ...id } };
}
