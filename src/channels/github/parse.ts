import { z } from "zod";
import type { ThreadRef } from "../../core/task.js";
import type { InboundMessage } from "../types.js";
import type { GitHubChannelConfig } from "./config.js";
import { type TriggerText, triggerText } from "./prompt.js";
import { MARKER } from "./render.js";

/**
 * `association` is the comment's `author_association` (absent for label/assignee events): the gate's first, free hint.
 * `invalid`: a handled event whose payload lacks the fields we read (a 400: GitHub never re-sends by itself).
 */
export type Parsed = { kind: "message"; message: InboundMessage; stop: boolean; association?: string } | { kind: "ignore"; reason: string; invalid?: boolean };

function invalid(event: string, error: z.ZodError): Parsed {
  const issue = error.issues[0];
  return { kind: "ignore", invalid: true, reason: `unexpected ${event} payload: ${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}` };
}

type ParseConfig = Pick<GitHubChannelConfig, "mention" | "label" | "assignee">;

// GitHub logins are ASCII word characters, dots and hyphens (Enterprise adds "_shortcode", apps "[bot]").
const user = z.object({ login: z.string().regex(/^[\w.-]+(\[bot\])?$/), type: z.string().optional() });
const repository = z.object({
  name: z.string().regex(/^[\w.-]+$/),
  full_name: z.string(),
  owner: z.object({ login: z.string().regex(/^[\w.-]+$/) }),
  clone_url: z.string(),
  default_branch: z.string(),
});
const issue = z.object({ number: z.number().int(), title: z.string(), body: z.string().nullish(), user, pull_request: z.unknown().optional() });
const comment = z.object({ id: z.number(), body: z.string().nullish(), user, author_association: z.string().optional() });
const issueComment = z.object({ action: z.string(), issue, comment, repository, sender: user });
const reviewComment = z.object({
  action: z.string(),
  comment: comment.extend({ path: z.string().optional(), diff_hunk: z.string().optional() }),
  pull_request: z.object({
    number: z.number().int(),
    title: z.string(),
    body: z.string().nullish(),
    user,
    head: z.object({ ref: z.string(), repo: z.object({ full_name: z.string() }).nullish() }),
  }),
  repository,
  sender: user,
});
const issueEvent = z.object({
  action: z.string(),
  issue,
  repository,
  sender: user,
  label: z.object({ name: z.string() }).optional(),
  assignee: user.nullish(),
});

type Repository = z.infer<typeof repository>;

const STOP_WORDS = new Set(["stop", "cancel", "/stop", "🛑"]);
const SESSION_MARKER = /<!-- openkoi:issue=(\d+) -->/;
export const BRANCH_PREFIX = "openkoi/";

const isBot = (...users: Array<{ type?: string }>) => (users.some((u) => u.type === "Bot") ? "Bot" : "User");
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const triggerRe = (mention: string, flags = "i") => new RegExp(`(?<![\\w@/.-])@${escapeRe(mention)}(?![\\w-])`, flags);

/** Quoted lines and code do not trigger (quoting an earlier request, or openkoi's own "`@openkoi stop`" hint). */
export function mentionsTrigger(body: string, mention: string): boolean {
  const visible = body
    .replace(/(^|\n)(```|~~~)[\s\S]*?(\n\2[^\n]*|$)/g, "\n")
    .replace(/`[^`\n]*`/g, "")
    .split("\n")
    .filter((line) => !/^\s*>/.test(line))
    .join("\n");
  return triggerRe(mention).test(visible);
}

export function stripTrigger(body: string, mention: string): string {
  return body
    .replace(triggerRe(mention, "gi"), "")
    .replace(/^[\s,:]+/, "")
    .trim();
}

function baseThread(repo: Repository, session: number, extra: Record<string, string>): ThreadRef {
  return {
    channel: "github",
    conversation: repo.full_name,
    thread: String(session),
    extra: { clone_url: repo.clone_url, default_branch: repo.default_branch, ...extra },
  };
}

/** Who may trigger is not decided here: the gate (gate.ts) does that, before any side effect. */
function commentRequest(body: string, config: ParseConfig, author: { type?: string }): { request: string } | { ignore: string } {
  if (author.type === "Bot") return { ignore: "a bot's comment" };
  if (body.includes(MARKER)) return { ignore: "openkoi's own comment" };
  if (!mentionsTrigger(body, config.mention)) return { ignore: "no trigger in the comment" };
  return { request: stripTrigger(body, config.mention) };
}

function message(
  deliveryKey: string,
  repo: Repository,
  thread: ThreadRef,
  user: string,
  messageId: string,
  request: string,
  text: TriggerText,
  association?: string,
): Parsed {
  const isStop = STOP_WORDS.has(request.trim().toLowerCase());
  return {
    kind: "message",
    stop: isStop,
    ...(association !== undefined ? { association } : {}),
    message: {
      channel: "github",
      deliveryKey,
      thread,
      messageId,
      user,
      places: [repo.full_name, repo.owner.login],
      text: isStop ? request.trim() : triggerText(text),
      addressed: true,
      isDirect: false,
    },
  };
}

function fromIssueComment(deliveryKey: string, raw: unknown, config: ParseConfig): Parsed {
  const p = issueComment.safeParse(raw);
  if (!p.success) return invalid("issue_comment", p.error);
  const { issue: i, comment: c, repository: repo, sender } = p.data;
  if (p.data.action !== "created") return { kind: "ignore", reason: `issue_comment.${p.data.action}` };
  const got = commentRequest(c.body ?? "", config, { type: isBot(sender, c.user) });
  if ("ignore" in got) return { kind: "ignore", reason: got.ignore };
  const isPull = i.pull_request != null;
  const session = isPull ? Number(SESSION_MARKER.exec(i.body ?? "")?.[1] ?? i.number) : i.number;
  const thread = baseThread(repo, session, {
    comment_id: String(c.id),
    comment_kind: "issue",
    pr: isPull ? "1" : "0",
    reply_to: String(i.number),
    title: i.title,
  });
  const text: TriggerText = {
    repo: repo.full_name,
    kind: isPull ? "pull request" : "issue",
    number: i.number,
    title: i.title,
    body: i.body ?? "",
    author: i.user.login,
    requester: sender.login,
    request: got.request,
  };
  if (session !== i.number) text.sessionIssue = session;
  return message(deliveryKey, repo, thread, sender.login, String(c.id), got.request, text, c.author_association ?? "NONE");
}

function fromReviewComment(deliveryKey: string, raw: unknown, config: ParseConfig): Parsed {
  const p = reviewComment.safeParse(raw);
  if (!p.success) return invalid("pull_request_review_comment", p.error);
  const { pull_request: pr, comment: c, repository: repo, sender } = p.data;
  if (p.data.action !== "created") return { kind: "ignore", reason: `pull_request_review_comment.${p.data.action}` };
  const got = commentRequest(c.body ?? "", config, { type: isBot(sender, c.user) });
  if ("ignore" in got) return { kind: "ignore", reason: got.ignore };
  const sameRepo = pr.head.repo?.full_name === repo.full_name;
  const own = sameRepo ? new RegExp(`^${BRANCH_PREFIX}(\\d+)-`).exec(pr.head.ref) : null;
  const session = own ? Number(own[1]) : pr.number;
  const extra: Record<string, string> = {
    comment_id: String(c.id),
    comment_kind: "review",
    pr: "1",
    reply_to: String(pr.number),
    title: pr.title,
    head_ref: pr.head.ref,
  };
  if (pr.head.repo) extra.head_repo = pr.head.repo.full_name;
  const text: TriggerText = {
    repo: repo.full_name,
    kind: "pull request",
    number: pr.number,
    title: pr.title,
    body: pr.body ?? "",
    author: pr.user.login,
    requester: sender.login,
    request: got.request,
  };
  if (c.path && c.diff_hunk) text.review = { path: c.path, diffHunk: c.diff_hunk };
  if (session !== pr.number) text.sessionIssue = session;
  return message(deliveryKey, repo, baseThread(repo, session, extra), sender.login, String(c.id), got.request, text, c.author_association ?? "NONE");
}

function fromIssueEvent(deliveryKey: string, raw: unknown, config: ParseConfig): Parsed {
  const p = issueEvent.safeParse(raw);
  if (!p.success) return invalid("issues", p.error);
  const { action, issue: i, repository: repo, sender } = p.data;
  const labeled = action === "labeled" && config.label !== undefined && p.data.label?.name === config.label;
  const assigned = action === "assigned" && config.assignee !== undefined && p.data.assignee?.login.toLowerCase() === config.assignee.toLowerCase();
  if (!labeled && !assigned) return { kind: "ignore", reason: `issues.${action} is not a configured trigger` };
  if (sender.type === "Bot") return { kind: "ignore", reason: "a bot's action" };
  const thread = baseThread(repo, i.number, { comment_kind: "none", pr: "0", reply_to: String(i.number), title: i.title });
  const request = labeled
    ? `(the issue was labelled "${config.label}": resolve it as described)`
    : "(the issue was assigned to openkoi: resolve it as described)";
  const text: TriggerText = {
    repo: repo.full_name,
    kind: "issue",
    number: i.number,
    title: i.title,
    body: i.body ?? "",
    author: i.user.login,
    requester: sender.login,
    request,
  };
  return message(deliveryKey, repo, thread, sender.login, `issue:${i.number}`, request, text);
}

/** A verified webhook delivery → an InboundMessage for `ctx.receive`, or the reason it is none of our business. */
export function parseDelivery(event: string, deliveryKey: string, payload: unknown, config: ParseConfig): Parsed {
  if (event === "issue_comment") return fromIssueComment(deliveryKey, payload, config);
  if (event === "pull_request_review_comment") return fromReviewComment(deliveryKey, payload, config);
  if (event === "issues") return fromIssueEvent(deliveryKey, payload, config);
  return { kind: "ignore", reason: `event ${event} is not handled` };
}
