import { z } from "zod";
import type { Tool } from "../../core/tool.js";
import { compact, defineTool, type ErrorHints, type ToolSpec, truncate } from "../common.js";
import { type Gql, linearError } from "./client.js";

const issueId = z
  .string()
  .regex(/^[A-Za-z0-9]+-\d+$|^[0-9a-f-]{36}$/i, "expected an issue identifier like ENG-123")
  .describe("Issue identifier, e.g. ENG-123");
const NOT_FOUND = "check the issue identifier";

interface Named {
  name?: string;
}
interface IssueNode {
  id: string;
  identifier: string;
  title: string;
  url: string;
  description?: string | null;
  priorityLabel?: string;
  createdAt?: string;
  updatedAt?: string;
  state?: Named | null;
  assignee?: Named | null;
  creator?: Named | null;
  team?: { key?: string; name?: string } | null;
  project?: Named | null;
  labels?: { nodes: Named[] };
  comments?: { nodes: Array<{ body: string; createdAt?: string; user?: Named | null }> };
}
interface TeamStates {
  id: string;
  identifier: string;
  state?: Named | null;
  team: { key: string; states: { nodes: Array<{ id: string; name: string }> } };
}

const SUMMARY = "id identifier title url priorityLabel updatedAt state { name } assignee { name } team { key }";

function linearTool<I>(spec: Omit<ToolSpec<I>, "onError"> & { hints?: ErrorHints }): Tool<I> {
  const { hints, ...rest } = spec;
  return defineTool({ ...rest, onError: (error) => linearError(error, hints) });
}

function summaryView(issue: IssueNode): Record<string, unknown> {
  return {
    key: issue.identifier,
    title: issue.title,
    state: issue.state?.name,
    assignee: issue.assignee?.name,
    priority: issue.priorityLabel,
    updated: issue.updatedAt,
    url: issue.url,
  };
}

function search(gql: Gql) {
  return linearTool({
    name: "linear_search_issues",
    description: "Full-text search of Linear issues (titles, descriptions, identifiers).",
    class: "read",
    schema: z.strictObject({
      query: z.string().min(1).describe("Search text, e.g. crash on start"),
      limit: z.number().int().min(1).max(50).default(10).describe("Maximum results (1-50)"),
    }),
    async run(input) {
      const data = await gql<{ searchIssues: { totalCount: number; nodes: IssueNode[] } }>(
        `query IssueSearch($term: String!, $first: Int) { searchIssues(term: $term, first: $first) { totalCount nodes { ${SUMMARY} } } }`,
        { term: input.query, first: input.limit },
      );
      const issues = data.searchIssues.nodes.map(summaryView);
      return compact({ total: data.searchIssues.totalCount, shown: issues.length, issues }, 8000);
    },
  });
}

function getIssue(gql: Gql) {
  return linearTool({
    name: "linear_get_issue",
    description: "Get a Linear issue by identifier: title, state, assignee, labels, description and the latest comments.",
    class: "read",
    schema: z.strictObject({ id: issueId }),
    hints: { not_found: NOT_FOUND },
    async run(input) {
      const data = await gql<{ issue: IssueNode }>(
        `query IssueGet($id: String!) { issue(id: $id) { ${SUMMARY} description createdAt creator { name } project { name } team { key name } labels { nodes { name } } comments(last: 5) { nodes { body createdAt user { name } } } } }`,
        { id: input.id },
      );
      const issue = data.issue;
      return compact(
        {
          ...summaryView(issue),
          team: issue.team?.key,
          project: issue.project?.name,
          creator: issue.creator?.name,
          labels: issue.labels?.nodes.map((label) => label.name),
          created: issue.createdAt,
          description: truncate(issue.description ?? "", 3000),
          latest_comments: issue.comments?.nodes.map((c) => ({ author: c.user?.name, at: c.createdAt, body: truncate(c.body, 800) })),
        },
        12_000,
      );
    },
  });
}

function createIssue(gql: Gql) {
  return linearTool({
    name: "linear_create_issue",
    description: "Create a Linear issue in a team.",
    class: "write",
    schema: z.strictObject({
      team: z.string().min(1).describe("Team key or name, e.g. ENG"),
      title: z.string().min(1).describe("Issue title"),
      description: z.string().optional().describe("Description in Markdown"),
      priority: z.number().int().min(0).max(4).optional().describe("0 none, 1 urgent, 2 high, 3 medium, 4 low"),
    }),
    hints: { invalid: "check the team and field values" },
    async run(input) {
      const { teams } = await gql<{ teams: { nodes: Array<{ id: string; key: string; name: string }> } }>(
        "query TeamList { teams(first: 100) { nodes { id key name } } }",
      );
      const wanted = input.team.toLowerCase();
      const team = teams.nodes.find((t) => t.key.toLowerCase() === wanted || t.name.toLowerCase() === wanted);
      if (!team) {
        const available = teams.nodes.map((t) => `${t.key} (${t.name})`).join(", ") || "none visible to this API key";
        return { isError: true, output: `Linear has no team "${input.team}"; available: ${available}` };
      }
      const { team: _team, ...fields } = input;
      const data = await gql<{ issueCreate: { success: boolean; issue: IssueNode } }>(
        "mutation IssueCreate($input: IssueCreateInput!) { issueCreate(input: $input) { success issue { identifier title url } } }",
        { input: { teamId: team.id, ...fields } },
      );
      const issue = data.issueCreate.issue;
      return `Created ${issue.identifier} "${issue.title}": ${issue.url}`;
    },
  });
}

function comment(gql: Gql) {
  return linearTool({
    name: "linear_comment",
    description: "Add a comment (Markdown) to a Linear issue.",
    class: "write",
    schema: z.strictObject({ id: issueId, body: z.string().min(1).describe("Comment in Markdown") }),
    hints: { not_found: NOT_FOUND },
    async run(input) {
      const { issue } = await gql<{ issue: { id: string; identifier: string } }>("query IssueRef($id: String!) { issue(id: $id) { id identifier } }", {
        id: input.id,
      });
      const data = await gql<{ commentCreate: { comment: { id: string; url: string } } }>(
        "mutation CommentCreate($input: CommentCreateInput!) { commentCreate(input: $input) { success comment { id url } } }",
        { input: { issueId: issue.id, body: input.body } },
      );
      return `Commented on ${issue.identifier}: ${data.commentCreate.comment.url}`;
    },
  });
}

function setState(gql: Gql) {
  return linearTool({
    name: "linear_set_state",
    description: 'Move a Linear issue to a workflow state of its team by name, e.g. "In Progress" or "Done".',
    class: "write",
    schema: z.strictObject({ id: issueId, state: z.string().min(1).describe("State name (case-insensitive)") }),
    hints: { not_found: NOT_FOUND },
    async run(input) {
      const { issue } = await gql<{ issue: TeamStates }>(
        "query IssueStates($id: String!) { issue(id: $id) { id identifier state { name } team { key states { nodes { id name } } } } }",
        { id: input.id },
      );
      const wanted = input.state.trim().toLowerCase();
      const target = issue.team.states.nodes.find((s) => s.name.toLowerCase() === wanted);
      if (!target) {
        const available = issue.team.states.nodes.map((s) => s.name).join(", ");
        return { isError: true, output: `Team ${issue.team.key} has no state "${input.state}"; available: ${available}` };
      }
      const data = await gql<{ issueUpdate: { issue: IssueNode } }>(
        "mutation IssueUpdate($id: String!, $input: IssueUpdateInput!) { issueUpdate(id: $id, input: $input) { success issue { identifier url state { name } } } }",
        { id: issue.id, input: { stateId: target.id } },
      );
      const updated = data.issueUpdate.issue;
      return `Moved ${updated.identifier} from ${issue.state?.name ?? "?"} to ${updated.state?.name ?? target.name}: ${updated.url}`;
    },
  });
}

export function createLinearTools(gql: Gql): Tool[] {
  return [search(gql), getIssue(gql), createIssue(gql), comment(gql), setState(gql)];
}
