import type { Activity, ConfigurationBotFrameworkAuthentication } from "botbuilder";
import { errorMessage, VerificationError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import { withoutConsoleErrors } from "./quiet.js";

/** jsonwebtoken's failures (bad signature, malformed, expired) escape botbuilder as plain errors, not AuthenticationError. */
const JWT_ERRORS = new Set(["JsonWebTokenError", "TokenExpiredError", "NotBeforeError"]);

function isRejection(error: unknown): boolean {
  const e = error as { statusCode?: unknown; name?: unknown };
  return e.statusCode === 401 || (typeof e.name === "string" && JWT_ERRORS.has(e.name));
}

/**
 * Validates the activity's Bot Framework JWT (issuer, audience = app_id, signing key and its endorsements, serviceurl
 * claim) before the adapter runs the turn, so every forged request is a 401 (botbuilder itself answers 500 to a
 * bad signature). Unreachable key metadata is not a verdict on the request: it stays a 500 so Teams retries.
 */
export async function verifyActivity(
  auth: Pick<ConfigurationBotFrameworkAuthentication, "authenticateRequest">,
  activity: Activity,
  authorization: string,
  logger?: Logger,
): Promise<void> {
  try {
    await withoutConsoleErrors(() => auth.authenticateRequest(activity, authorization));
  } catch (error) {
    if (!isRejection(error)) throw error;
    const message = `Teams: the activity's Bot Framework token was rejected (${errorMessage(error)}); check channels.teams.app_id`;
    // One line per refused request, without the key botbuilder would have printed.
    logger?.warn(message);
    throw new VerificationError(message);
  }
}
