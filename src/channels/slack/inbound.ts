import { isAllowed } from "../policy.js";
import type { ChannelContext, ThreadApi } from "../types.js";
import { CHANNEL, type SlackInbound } from "./parse.js";

/**
 * One parsed Slack delivery → the hub: a message goes through `ctx.receive` (durable, deduplicated by event_id),
 * a Stop click or 🛑 reaction cancels the task. Everything here is local and fast; the caller acks afterwards.
 */
export async function dispatchSlack(inbound: SlackInbound, ctx: ChannelContext, api: ThreadApi): Promise<string> {
  switch (inbound.kind) {
    case "message":
      return (await ctx.receive(inbound.message, api)).kind;
    case "stop-task": {
      if (!isAllowed(ctx.policy, inbound.userId, inbound.places)) return "stop refused (not on the allowlist)";
      return ctx.cancelTask(inbound.taskId, `stopped by ${inbound.by}`) ? "stopping" : "nothing to stop";
    }
    case "stop-message": {
      const taskId = ctx.taskForMessage(CHANNEL, inbound.messageId);
      if (!taskId) return "not an openkoi message";
      if (!isAllowed(ctx.policy, inbound.userId, inbound.places)) return "stop refused (not on the allowlist)";
      return ctx.cancelTask(taskId, `stopped by ${inbound.userId} with 🛑`) ? "stopping" : "nothing to stop";
    }
    default:
      return inbound.kind === "ignore" ? `ignored: ${inbound.reason}` : "ignored";
  }
}
