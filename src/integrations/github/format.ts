/** Compact views of GitHub objects: the fields a model needs, never the raw payload. */
import { truncate } from "../common.js";

interface Named {
  login?: string;
}
interface Label {
  name?: string;
}

export interface IssueLike {
  number: number;
  title: string;
  state: string;
  state_reason?: string | null;
  html_url: string;
  body?: string | null;
  user?: Named | null;
  labels?: Array<string | Label>;
  assignees?: Named[] | null;
  comments?: number;
  created_at?: string;
  updated_at?: string;
  repository_url?: string;
  pull_request?: unknown;
}

export interface CommentLike {
  body?: string;
  user?: Named | null;
  created_at?: string;
}

export const BODY_CHARS = 3000;

export function ref(repo: string, number: number): string {
  return `${repo}#${number}`;
}

/** "acme/widgets" from an API repository URL (search results carry no owner/repo fields). */
export function repoFromUrl(url: string | undefined): string {
  return url?.match(/\/repos\/([^/]+\/[^/]+)$/)?.[1] ?? "?";
}

function labelNames(labels: IssueLike["labels"]): string[] {
  return (labels ?? []).map((label) => (typeof label === "string" ? label : (label.name ?? ""))).filter(Boolean);
}

export function issueView(repo: string, issue: IssueLike): Record<string, unknown> {
  return {
    ref: ref(repo, issue.number),
    kind: issue.pull_request ? "pull request" : "issue",
    title: issue.title,
    state: issue.state_reason && issue.state === "closed" ? `closed (${issue.state_reason})` : issue.state,
    author: issue.user?.login,
    labels: labelNames(issue.labels),
    assignees: (issue.assignees ?? []).map((user) => user.login),
    comments: issue.comments,
    created: issue.created_at,
    updated: issue.updated_at,
    url: issue.html_url,
    body: truncate(issue.body ?? "", BODY_CHARS),
  };
}

export function searchItemView(issue: IssueLike): Record<string, unknown> {
  return {
    ref: ref(repoFromUrl(issue.repository_url), issue.number),
    kind: issue.pull_request ? "pull request" : "issue",
    state: issue.state,
    title: issue.title,
    updated: issue.updated_at,
    url: issue.html_url,
  };
}

export function commentView(comment: CommentLike): Record<string, unknown> {
  return { author: comment.user?.login, at: comment.created_at, body: truncate(comment.body ?? "", 800) };
}

export interface PullLike extends IssueLike {
  draft?: boolean;
  merged?: boolean;
  mergeable?: boolean | null;
  head: { ref: string; label?: string };
  base: { ref: string };
  additions?: number;
  deletions?: number;
  changed_files?: number;
  commits?: number;
}

export function pullView(repo: string, pull: PullLike): Record<string, unknown> {
  return {
    ref: ref(repo, pull.number),
    title: pull.title,
    state: pull.merged ? "merged" : pull.state,
    draft: pull.draft || undefined,
    author: pull.user?.login,
    head: pull.head.label ?? pull.head.ref,
    base: pull.base.ref,
    mergeable: pull.mergeable ?? undefined,
    commits: pull.commits,
    changes: pull.changed_files === undefined ? undefined : `${pull.changed_files} files, +${pull.additions ?? 0} -${pull.deletions ?? 0}`,
    labels: labelNames(pull.labels),
    url: pull.html_url,
    body: truncate(pull.body ?? "", BODY_CHARS),
  };
}

export interface ContentEntry {
  type: string;
  name: string;
  path: string;
  size?: number;
}

export function directoryView(label: string, entries: ContentEntry[]): string {
  const lines = entries.map((entry) => (entry.type === "dir" ? `${entry.name}/` : `${entry.name} (${entry.size ?? 0} bytes)`));
  return `${label} is a directory with ${entries.length} entries:\n${lines.join("\n")}`;
}

/** Decoded text of a contents-API file, or a one-line reason it cannot be shown. */
export function fileView(label: string, file: { content?: string; encoding?: string; size?: number }, maxChars: number): string {
  const size = file.size ?? 0;
  if (file.encoding !== "base64" || file.content === undefined) {
    return `${label} (${size} bytes) is too large for the contents API; read it from a clone instead`;
  }
  const bytes = Buffer.from(file.content, "base64");
  if (bytes.includes(0)) return `${label} is a binary file (${size} bytes); not shown`;
  const text = bytes.toString("utf8");
  const shown =
    text.length > maxChars
      ? `${text.slice(0, maxChars)}\n… [truncated: showing ${maxChars} of ${text.length} chars; pass a larger max_chars to see more]`
      : text;
  return `${label} (${size} bytes)\n\n${shown}`;
}
