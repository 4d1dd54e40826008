import type { Octokit } from "@octokit/rest";
import { z } from "zod";
import type { Tool } from "../../core/tool.js";
import { compact, defineTool, type ErrorHints, type ToolSpec } from "../common.js";
import { githubError } from "./client.js";
import { commentView, directoryView, fileView, issueView, pullView, ref, searchItemView } from "./format.js";

type GetClient = () => Promise<Octokit>;

const owner = z.string().min(1).describe("Repository owner (user or organization), e.g. octocat");
const repo = z.string().min(1).describe("Repository name without the owner, e.g. hello-world");
const number = z.number().int().positive().describe("Issue or pull request number");
const NOT_FOUND = "check the owner, repo and number (private repositories need a token with access)";

function githubTool<I>(spec: Omit<ToolSpec<I>, "onError"> & { hints?: ErrorHints }): Tool<I> {
  const { hints, ...rest } = spec;
  return defineTool({ ...rest, onError: (error) => githubError(error, hints) });
}

const COMMENTS_SHOWN = 10;

async function latestComments(octokit: Octokit, target: { owner: string; repo: string; issue_number: number }, total: number, signal: AbortSignal) {
  if (total === 0) return [];
  // Comments come oldest first: ask for the last page to get the newest ones in one call.
  const page = Math.ceil(total / COMMENTS_SHOWN);
  const { data } = await octokit.issues.listComments({ ...target, per_page: COMMENTS_SHOWN, page, request: { signal } });
  return data.map(commentView);
}

function getIssue(client: GetClient) {
  return githubTool({
    name: "github_get_issue",
    description: "Get a GitHub issue (or pull request) by number: title, state, labels, assignees, body, and optionally the latest comments.",
    class: "read",
    schema: z.strictObject({
      owner,
      repo,
      number,
      include_comments: z.boolean().default(false).describe("Also return the latest comments (up to 10)"),
    }),
    hints: { not_found: NOT_FOUND },
    async run(input, { signal }) {
      const octokit = await client();
      const target = { owner: input.owner, repo: input.repo, issue_number: input.number };
      const { data } = await octokit.issues.get({ ...target, request: { signal } });
      const view = issueView(`${input.owner}/${input.repo}`, data);
      if (input.include_comments) view.latest_comments = await latestComments(octokit, target, data.comments, signal);
      return compact(view, 12_000);
    },
  });
}

function searchIssues(client: GetClient) {
  return githubTool({
    name: "github_search_issues",
    description: "Search GitHub issues and pull requests with GitHub search syntax, e.g. `repo:acme/widgets is:open label:bug crash` or `is:pr author:alice`.",
    class: "read",
    schema: z.strictObject({
      query: z.string().min(1).describe("GitHub search query (qualifiers like repo:, is:issue, is:pr, is:open, label:, author:)"),
      limit: z.number().int().min(1).max(50).default(10).describe("Maximum results (1-50)"),
    }),
    hints: { invalid: "fix the search query syntax (GitHub Apps must add is:issue or is:pr)" },
    async run(input, { signal }) {
      const octokit = await client();
      const { data } = await octokit.search.issuesAndPullRequests({ q: input.query, per_page: input.limit, request: { signal } });
      const items = data.items.map(searchItemView);
      return compact({ total: data.total_count, shown: items.length, items }, 8000);
    },
  });
}

function getPullRequest(client: GetClient) {
  return githubTool({
    name: "github_get_pull_request",
    description: "Get a GitHub pull request by number: state (open/closed/merged), head and base branches, size, mergeability, body.",
    class: "read",
    schema: z.strictObject({ owner, repo, number }),
    hints: { not_found: NOT_FOUND },
    async run(input, { signal }) {
      const octokit = await client();
      const { data } = await octokit.pulls.get({ owner: input.owner, repo: input.repo, pull_number: input.number, request: { signal } });
      return compact(pullView(`${input.owner}/${input.repo}`, data), 8000);
    },
  });
}

function comment(client: GetClient) {
  return githubTool({
    name: "github_comment",
    description: "Post a comment on a GitHub issue or pull request (Markdown).",
    class: "write",
    schema: z.strictObject({ owner, repo, number, body: z.string().min(1).describe("Comment text in Markdown") }),
    hints: { not_found: NOT_FOUND },
    async run(input, { signal }) {
      const octokit = await client();
      const { data } = await octokit.issues.createComment({
        owner: input.owner,
        repo: input.repo,
        issue_number: input.number,
        body: input.body,
        request: { signal },
      });
      return `Commented on ${ref(`${input.owner}/${input.repo}`, input.number)}: ${data.html_url}`;
    },
  });
}

function createIssue(client: GetClient) {
  return githubTool({
    name: "github_create_issue",
    description: "Create a GitHub issue.",
    class: "write",
    schema: z.strictObject({
      owner,
      repo,
      title: z.string().min(1).describe("Issue title"),
      body: z.string().optional().describe("Issue description in Markdown"),
      labels: z.array(z.string().min(1)).optional().describe("Label names"),
      assignees: z.array(z.string().min(1)).optional().describe("GitHub logins to assign"),
    }),
    hints: { not_found: "check the owner and repo", invalid: "check the labels and assignees exist in the repository" },
    async run(input, { signal }) {
      const octokit = await client();
      const { owner: o, repo: r, ...fields } = input;
      const { data } = await octokit.issues.create({ owner: o, repo: r, ...fields, request: { signal } });
      return `Created ${ref(`${o}/${r}`, data.number)} "${data.title}": ${data.html_url}`;
    },
  });
}

function createPullRequest(client: GetClient) {
  return githubTool({
    name: "github_create_pull_request",
    description: "Open a GitHub pull request from an existing pushed branch.",
    class: "write",
    schema: z.strictObject({
      owner,
      repo,
      title: z.string().min(1).describe("Pull request title"),
      head: z.string().min(1).describe("Branch with the changes (for a fork: user:branch)"),
      base: z.string().min(1).optional().describe("Branch to merge into; defaults to the repository's default branch"),
      body: z.string().optional().describe("Description in Markdown"),
      draft: z.boolean().optional().describe("Open as a draft"),
    }),
    hints: { not_found: "check the owner and repo", invalid: "check that the head branch is pushed and differs from base" },
    async run(input, { signal }) {
      const octokit = await client();
      const { owner: o, repo: r, ...fields } = input;
      const base = fields.base ?? (await octokit.repos.get({ owner: o, repo: r, request: { signal } })).data.default_branch;
      const { data } = await octokit.pulls.create({ owner: o, repo: r, ...fields, base, request: { signal } });
      return `Opened ${ref(`${o}/${r}`, data.number)} "${data.title}" (${data.head.ref} → ${data.base.ref}): ${data.html_url}`;
    },
  });
}

function readFile(client: GetClient) {
  return githubTool({
    name: "github_read_file",
    description: "Read a file (or list a directory) in a GitHub repository at a branch, tag or commit.",
    class: "read",
    schema: z.strictObject({
      owner,
      repo,
      path: z.string().describe("Path inside the repository, e.g. src/index.ts; empty for the root"),
      ref: z.string().min(1).optional().describe("Branch, tag or commit SHA; defaults to the default branch"),
      max_chars: z.number().int().min(100).max(100_000).default(20_000).describe("Truncate the file after this many characters"),
    }),
    hints: { not_found: "check the owner, repo, path and ref" },
    async run(input, { signal }) {
      const octokit = await client();
      const path = input.path.replace(/^\/+/, "");
      const { data } = await octokit.repos.getContent({ owner: input.owner, repo: input.repo, path, ref: input.ref, request: { signal } });
      const label = `${input.owner}/${input.repo}/${path}${input.ref ? `@${input.ref}` : ""}`;
      if (Array.isArray(data)) return directoryView(label, data);
      if (data.type !== "file") return `${label} is a ${data.type}, not a file`;
      return fileView(label, data, input.max_chars);
    },
  });
}

export function createGitHubTools(client: GetClient): Tool[] {
  return [getIssue(client), searchIssues(client), getPullRequest(client), comment(client), createIssue(client), createPullRequest(client), readFile(client)];
}
