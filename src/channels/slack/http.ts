import type { Context, Hono } from "hono";
import type { Logger } from "../../core/logger.js";
import type { ChannelContext, ThreadApi } from "../types.js";
import { dispatchSlack } from "./inbound.js";
import { parseBody, parseSlack } from "./parse.js";
import { slackShapeProblem } from "./schema.js";
import { verifySlackSignature } from "./verify.js";

export const EVENTS_PATH = "/channels/slack/events";
export const INTERACTIONS_PATH = "/channels/slack/interactions";

/**
 * The Events API and interactivity endpoints: verify the raw body → parse → hand to the hub → 200.
 * Both paths take both kinds of payload, so one Request URL for everything also works.
 */
export function mountSlackRoutes(app: Hono, deps: { signingSecret: string; ctx: ChannelContext; api: ThreadApi; logger: Logger }): void {
  const handle = async (c: Context) => {
    const raw = await c.req.text();
    verifySlackSignature({
      signingSecret: deps.signingSecret,
      rawBody: raw,
      signature: c.req.header("x-slack-signature"),
      timestamp: c.req.header("x-slack-request-timestamp"),
    });
    const body = parseBody(raw, c.req.header("content-type") ?? "");
    if (!body) return c.json({ error: { code: "BAD_REQUEST", message: "The Slack payload is not valid JSON or form data." } }, 400);
    // Slack retries a 4xx only three times, so a malformed (but signed) body is refused, never a 500.
    const problem = slackShapeProblem(body);
    if (problem) return c.json({ error: { code: "INVALID_PAYLOAD", message: `The Slack payload does not have the expected shape: ${problem}` } }, 400);
    const inbound = parseSlack(body);
    if (inbound.kind === "challenge") return c.json({ challenge: inbound.challenge });
    // Retries (X-Slack-Retry-Num) need no special case: the event_id was claimed durably on first delivery.
    const outcome = await dispatchSlack(inbound, deps.ctx, deps.api);
    const retry = c.req.header("x-slack-retry-num");
    deps.logger.debug(
      `slack: ${inbound.kind === "message" ? inbound.message.deliveryKey : String(body.type)}${retry ? ` (retry ${retry}, ${c.req.header("x-slack-retry-reason")})` : ""}: ${outcome}`,
    );
    return c.body(null, 200);
  };
  app.post(EVENTS_PATH, handle);
  app.post(INTERACTIONS_PATH, handle);
}
