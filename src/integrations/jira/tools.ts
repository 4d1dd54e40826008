import type { Version3Client } from "jira.js/version3";
import { z } from "zod";
import type { Tool } from "../../core/tool.js";
import { compact, defineTool, type ErrorHints, type ToolSpec, truncate } from "../common.js";
import { adfToText, textToAdf } from "./adf.js";
import { jiraError } from "./client.js";

type GetClient = () => Promise<Version3Client>;

const key = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]*-\d+$|^\d+$/, "expected an issue key like ENG-123")
  .describe("Issue key, e.g. ENG-123");
const NOT_FOUND = "check the issue key (the account may also lack permission to see it)";
const LIST_FIELDS = ["summary", "status", "issuetype", "priority", "assignee", "updated"];

interface Named {
  name?: string;
  displayName?: string;
}
interface JiraFields {
  summary?: string;
  status?: Named;
  issuetype?: Named;
  priority?: Named | null;
  assignee?: Named | null;
  reporter?: Named | null;
  labels?: string[];
  created?: string;
  updated?: string;
  description?: unknown;
  parent?: { key?: string };
  comment?: { total?: number; comments?: Array<{ author?: Named; created?: string; body?: unknown }> };
}

function jiraTool<I>(spec: Omit<ToolSpec<I>, "onError"> & { hints?: ErrorHints }): Tool<I> {
  const { hints, ...rest } = spec;
  return defineTool({ ...rest, onError: (error) => jiraError(error, hints) });
}

function listView(site: string, issue: { key?: string; fields?: unknown }): Record<string, unknown> {
  const fields = (issue.fields ?? {}) as JiraFields;
  return {
    key: issue.key,
    type: fields.issuetype?.name,
    status: fields.status?.name,
    summary: fields.summary,
    assignee: fields.assignee?.displayName,
    priority: fields.priority?.name,
    updated: fields.updated,
    url: `${site}/browse/${issue.key}`,
  };
}

function search(client: GetClient, site: string) {
  return jiraTool({
    name: "jira_search",
    description: 'Search Jira issues with JQL, e.g. `project = ENG AND status != Done AND text ~ "crash" ORDER BY updated DESC`.',
    class: "read",
    schema: z.strictObject({
      jql: z.string().min(1).describe("A JQL query; bound it (project = X, assignee = currentUser(), …)"),
      limit: z.number().int().min(1).max(50).default(20).describe("Maximum results (1-50)"),
    }),
    hints: { invalid: "fix the JQL (field names, quoting, project keys)" },
    async run(input) {
      const jira = await client();
      const found = await jira.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: input.jql, maxResults: input.limit, fields: LIST_FIELDS });
      const issues = (found.issues ?? []).map((issue) => listView(site, issue));
      return compact({ shown: issues.length, more: Boolean(found.nextPageToken), issues }, 8000);
    },
  });
}

function getIssue(client: GetClient, site: string) {
  return jiraTool({
    name: "jira_get_issue",
    description: "Get a Jira issue by key: summary, status, type, assignee, description and the latest comments.",
    class: "read",
    schema: z.strictObject({ key }),
    hints: { not_found: NOT_FOUND },
    async run(input) {
      const jira = await client();
      const issue = await jira.issues.getIssue({
        issueIdOrKey: input.key,
        fields: [...LIST_FIELDS, "reporter", "labels", "created", "description", "parent", "comment"],
      });
      const fields = (issue.fields ?? {}) as JiraFields;
      const comments = (fields.comment?.comments ?? []).slice(-5).map((c) => ({
        author: c.author?.displayName,
        at: c.created,
        body: truncate(adfToText(c.body).trim(), 800),
      }));
      const view = {
        ...listView(site, issue),
        reporter: fields.reporter?.displayName,
        labels: fields.labels,
        parent: fields.parent?.key,
        created: fields.created,
        description: truncate(adfToText(fields.description).trim(), 3000),
        comments: fields.comment?.total,
        latest_comments: comments,
      };
      return compact(view, 12_000);
    },
  });
}

function createIssue(client: GetClient, site: string) {
  return jiraTool({
    name: "jira_create_issue",
    description: "Create a Jira issue in a project.",
    class: "write",
    schema: z.strictObject({
      project: z.string().min(1).describe("Project key, e.g. ENG"),
      summary: z.string().min(1).describe("One-line summary"),
      description: z.string().optional().describe("Plain text; blank lines separate paragraphs"),
      issue_type: z.string().min(1).default("Task").describe("Issue type name, e.g. Task, Bug, Story"),
      labels: z.array(z.string().regex(/^\S+$/, "labels cannot contain spaces")).optional().describe("Labels (no spaces)"),
      priority: z.string().min(1).optional().describe("Priority name, e.g. High"),
    }),
    hints: { invalid: "check the project key, issue type and field values the project accepts", not_found: "check the project key" },
    async run(input) {
      const jira = await client();
      const created = await jira.issues.createIssue({
        fields: {
          project: { key: input.project },
          summary: input.summary,
          issuetype: { name: input.issue_type },
          ...(input.description ? { description: textToAdf(input.description) } : {}),
          ...(input.labels ? { labels: input.labels } : {}),
          ...(input.priority ? { priority: { name: input.priority } } : {}),
        },
      });
      return `Created ${created.key}: ${site}/browse/${created.key}`;
    },
  });
}

function comment(client: GetClient, site: string) {
  return jiraTool({
    name: "jira_comment",
    description: "Add a comment to a Jira issue.",
    class: "write",
    schema: z.strictObject({ key, body: z.string().min(1).describe("Plain text; blank lines separate paragraphs") }),
    hints: { not_found: NOT_FOUND },
    async run(input) {
      const jira = await client();
      const added = await jira.issueComments.addComment({ issueIdOrKey: input.key, comment: textToAdf(input.body) });
      return `Commented on ${input.key} (comment ${added.id}): ${site}/browse/${input.key}?focusedCommentId=${added.id}`;
    },
  });
}

function transition(client: GetClient) {
  return jiraTool({
    name: "jira_transition",
    description: 'Move a Jira issue through its workflow by transition name (or target status name), e.g. "In Progress" or "Done".',
    class: "write",
    schema: z.strictObject({ key, to: z.string().min(1).describe("Transition or target status name (case-insensitive)") }),
    hints: { not_found: NOT_FOUND, invalid: "the transition may need fields this tool cannot set; do it in Jira" },
    async run(input) {
      const jira = await client();
      const { transitions = [] } = await jira.issues.getTransitions({ issueIdOrKey: input.key });
      const wanted = input.to.trim().toLowerCase();
      const match = transitions.find((t) => t.name?.toLowerCase() === wanted) ?? transitions.find((t) => t.to?.name?.toLowerCase() === wanted);
      if (!match?.id) {
        const available = transitions.map((t) => (t.to?.name && t.to.name !== t.name ? `${t.name} (→ ${t.to.name})` : t.name));
        const list = available.length ? available.join(", ") : "none (the workflow allows no move from here)";
        return { isError: true, output: `${input.key} has no transition named "${input.to}"; available: ${list}` };
      }
      await jira.issues.doTransition({ issueIdOrKey: input.key, transition: { id: match.id } });
      return `Moved ${input.key} to ${match.to?.name ?? match.name} (transition "${match.name}")`;
    },
  });
}

export function createJiraTools(client: GetClient, site: string): Tool[] {
  return [search(client, site), getIssue(client, site), createIssue(client, site), comment(client, site), transition(client)];
}
