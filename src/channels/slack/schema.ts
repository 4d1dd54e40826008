import { z } from "zod";

/**
 * The fields of a Slack delivery that parse.ts reads, checked after the signature and before parsing. Only the
 * payload types and event types we handle are held to a shape: Slack sends many others (where e.g. `event.user`
 * is an object), and those must stay a 200 that ignores them, or Slack retries and eventually disables the app.
 */
const text = z.string().nullish();
const handledEvent = z.object({
  type: z.string(),
  user: text,
  channel: text,
  ts: text,
  thread_ts: text,
  text,
  subtype: text,
  app_id: text,
  channel_type: text,
  reaction: text,
  item: z.object({ type: text, ts: text, channel: text }).nullish(),
});
const envelope = z.object({
  type: text,
  challenge: text,
  event_id: text,
  team_id: text,
  api_app_id: text,
  authorizations: z.array(z.object({ user_id: text, is_bot: z.boolean().nullish() })).nullish(),
  event: z.object({ type: text }).loose().nullish(),
});
const blockActions = z.object({
  actions: z.array(z.object({ action_id: text, value: text })).nullish(),
  user: z.object({ id: text, username: text, name: text }).nullish(),
  channel: z.object({ id: text }).nullish(),
  team: z.object({ id: text }).nullish(),
});

const HANDLED_EVENTS = new Set(["app_mention", "message", "reaction_added"]);

/** Where a body breaks the shape (`event.user: expected string…`), or undefined when parse.ts can read it. */
export function slackShapeProblem(body: Record<string, unknown>): string | undefined {
  const outer = envelope.safeParse(body);
  if (!outer.success) return describe(outer.error);
  const eventType = outer.data.event?.type;
  if (outer.data.type === "event_callback" && eventType && HANDLED_EVENTS.has(eventType)) {
    const inner = handledEvent.safeParse(body.event);
    if (!inner.success) return describe(inner.error, "event.");
  }
  if (outer.data.type === "block_actions") {
    const actions = blockActions.safeParse(body);
    if (!actions.success) return describe(actions.error);
  }
  return undefined;
}

function describe(error: z.ZodError, prefix = ""): string {
  const issue = error.issues[0];
  return `${prefix}${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`;
}
