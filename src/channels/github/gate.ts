import { errorMessage } from "../../core/errors.js";
import type { ChannelContext, InboundMessage, ThreadApi } from "../types.js";
import { type GitHubChannelConfig, permissionRank } from "./config.js";
import { type Client, permissionOf } from "./rest.js";

/** Owners, org members and collaborators: the only authors who can hold triage or better. */
const TRUSTED_ASSOCIATIONS = new Set(["OWNER", "MEMBER", "COLLABORATOR"]);
/** GitHub gives up on a webhook after 10 s; the check answers well inside that, or the delivery fails cleanly. */
const CHECK_TIMEOUT_MS = 5000;
/** Positive answers only, and briefly: `prepare` checks again at run time, so a revocation still stops the task. */
const ADMITTED_MS = 5 * 60_000;
const REMEMBERED = 500;

export type Standing = { admitted: true } | { admitted: false; reason: string };

export interface GitHubGate {
  /**
   * Whether the message's author holds `min_permission`, decided before any reaction, comment or task row.
   * Throws (UPSTREAM / RATE_LIMITED) when GitHub cannot say: the caller then does nothing at all.
   */
  admit(message: InboundMessage, association?: string): Promise<Standing>;
  /** With `untrusted = "explain"`: one short reply per user, issue and (UTC) day, durably; true when one is sent. */
  explain(message: InboundMessage, api: ThreadApi): boolean;
}

const issueOf = (message: InboundMessage) => message.thread.extra?.reply_to ?? message.thread.thread ?? "";

export function createGate(deps: { config: GitHubChannelConfig; client: Client; ctx: ChannelContext }): GitHubGate {
  const { config, client, ctx } = deps;
  const now = () => ctx.now?.() ?? Date.now();
  const admitted = new Map<string, number>();
  const minimum = permissionRank(config.min_permission);

  return {
    async admit(message, association) {
      const repo = message.thread.conversation;
      const user = message.user;
      // A free first answer: only owners, members and collaborators can hold more than read.
      if (minimum > permissionRank("read") && association !== undefined && !TRUSTED_ASSOCIATIONS.has(association)) {
        return { admitted: false, reason: `${user} is not a collaborator (${association})` };
      }
      const key = `${repo}\n${user.toLowerCase()}`;
      if ((admitted.get(key) ?? 0) > now()) return { admitted: true };
      const role = await permissionOf(client, repo, user, AbortSignal.timeout(CHECK_TIMEOUT_MS));
      if (permissionRank(role) < minimum) return { admitted: false, reason: `${user} has ${role} permission on ${repo}` };
      admitted.delete(key);
      admitted.set(key, now() + ADMITTED_MS);
      if (admitted.size > REMEMBERED) admitted.delete(admitted.keys().next().value as string);
      return { admitted: true };
    },

    explain(message, api) {
      if (config.untrusted !== "explain" || !ctx.claimOnce) return false;
      const day = new Date(now()).toISOString().slice(0, 10);
      const repo = message.thread.conversation;
      if (!ctx.claimOnce(`explain:${repo}#${issueOf(message)}:${message.user.toLowerCase()}:${day}`)) return false;
      const text = `${message.user}: openkoi takes requests on ${repo} only from collaborators with ${config.min_permission} permission or more, so this was not run. (openkoi says this once a day.)`;
      void api.postText(message.thread, text).catch((error: unknown) => ctx.logger?.warn(`github: explaining to ${message.user}: ${errorMessage(error)}`));
      return true;
    },
  };
}
