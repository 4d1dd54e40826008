import { z } from "zod";

/**
 * The fields of a Bot Framework activity that parse.ts (and botbuilder's turn) read, checked after the JWT and before
 * the adapter runs: a signed activity with `conversation.id: 7` or `entities: {}` is a 400, not a TypeError and a 500.
 * Objects stay loose: Teams adds fields, and the adapter passes the whole activity on.
 */
const text = z.string().nullish();
const account = z.object({ id: text, name: text, aadObjectId: text }).loose();
const id = z.object({ id: text }).loose().nullish();

export const activitySchema = z
  .object({
    type: z.string().min(1),
    id: text,
    name: text,
    text,
    // botbuilder reads both while checking the token and replying; Teams always sends them.
    serviceUrl: z.string(),
    channelId: z.string(),
    replyToId: text,
    from: account.nullish(),
    recipient: account.nullish(),
    conversation: z.object({ id: text, conversationType: text, tenantId: text, isGroup: z.boolean().nullish() }).loose().nullish(),
    entities: z.array(z.object({ type: text, text, mentioned: account.nullish() }).loose()).nullish(),
    channelData: z.object({ tenant: id, team: id, channel: id }).loose().nullish(),
    value: z.unknown().optional(),
    reactionsAdded: z.array(z.object({ type: text }).loose()).nullish(),
  })
  .loose();

/**
 * What botbuilder's token check may read of a malformed activity: it calls `channelId.trim()` (a TypeError on a
 * number or on undefined) and compares `serviceUrl` with the token's claim. With no channel id it asserts no
 * endorsement and with no service URL it skips that claim; the activity is refused with a 400 right after anyway.
 */
export function authView(body: Record<string, unknown>): Record<string, unknown> {
  return {
    ...body,
    channelId: typeof body.channelId === "string" ? body.channelId : null,
    serviceUrl: typeof body.serviceUrl === "string" ? body.serviceUrl : "",
  };
}

/** Where an activity breaks the shape (`conversation.id: expected string…`), or undefined. */
export function activityProblem(body: unknown): string | undefined {
  const result = activitySchema.safeParse(body);
  if (result.success) return undefined;
  const issue = result.error.issues[0];
  return `${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`;
}
