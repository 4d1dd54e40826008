/** A loopback fake of the Jira Cloud REST v3 API (the paths jira.js hits), keeping issues, comments and a workflow in memory. */
import { type FakeServer, type RecordedRequest, type Reply, startFake } from "./http.js";

export interface FakeJiraIssue {
  id: string;
  key: string;
  fields: Record<string, unknown> & { status: { name: string }; comment: { total: number; comments: unknown[] } };
}

export interface JiraFake extends FakeServer {
  email: string;
  apiToken: string;
  projects: Set<string>;
  issues: Map<string, FakeJiraIssue>;
  addIssue(project: string, summary: string, fields?: Record<string, unknown>): FakeJiraIssue;
  failNext(reply: Reply): void;
}

const TIME = "2025-01-02T03:04:05.000+0000";
const ISSUE_TYPES = new Set(["Task", "Bug", "Story"]);
const WORKFLOW = [
  { id: "11", name: "Back to To Do", to: { name: "To Do" } },
  { id: "21", name: "Start Progress", to: { name: "In Progress" } },
  { id: "31", name: "Resolve", to: { name: "Done" } },
];
type Json = Record<string, unknown>;

const missing = (): Reply => ({ status: 404, json: { errorMessages: ["Issue does not exist or you do not have permission to see it."], errors: {} } });

export async function startJiraFake(email = "bot@example.com", apiToken = "jira-token"): Promise<JiraFake> {
  const projects = new Set(["ENG"]);
  const issues = new Map<string, FakeJiraIssue>();
  const failures: Reply[] = [];
  let nextId = 10_000;

  const addIssue = (project: string, summary: string, fields: Record<string, unknown> = {}): FakeJiraIssue => {
    const count = [...issues.keys()].filter((k) => k.startsWith(`${project}-`)).length;
    const issue: FakeJiraIssue = {
      id: String(nextId++),
      key: `${project}-${count + 1}`,
      fields: {
        summary,
        status: { name: "To Do" },
        issuetype: { name: "Task" },
        priority: { name: "Medium" },
        assignee: null,
        reporter: { displayName: "OpenKoi Bot" },
        labels: [],
        created: TIME,
        updated: TIME,
        description: null,
        comment: { total: 0, comments: [] },
        ...fields,
      },
    };
    issues.set(issue.key, issue);
    return issue;
  };

  const search = (req: RecordedRequest): Reply => {
    const body = (req.body ?? {}) as Json;
    const jql = String(req.method === "GET" ? req.query.jql : body.jql);
    const max = Number(req.method === "GET" ? (req.query.maxResults ?? 50) : (body.maxResults ?? 50));
    const project = jql.match(/project\s*=\s*"?(\w+)"?/i)?.[1];
    const all = [...issues.values()].filter((issue) => !project || issue.key.startsWith(`${project}-`));
    const page = all.slice(0, max);
    return { json: { issues: page, ...(all.length > max ? { nextPageToken: "next-page" } : {}) } };
  };

  const create = (body: Json): Reply => {
    const fields = (body.fields ?? {}) as Json;
    const project = String((fields.project as Json | undefined)?.key ?? "");
    if (!projects.has(project)) return { status: 400, json: { errorMessages: [], errors: { project: "valid project is required" } } };
    const type = String((fields.issuetype as Json | undefined)?.name ?? "");
    if (!ISSUE_TYPES.has(type)) return { status: 400, json: { errorMessages: [], errors: { issuetype: "Specify a valid issue type" } } };
    const { project: _p, ...rest } = fields;
    const issue = addIssue(project, String(fields.summary), rest);
    return { status: 201, json: { id: issue.id, key: issue.key, self: `/rest/api/3/issue/${issue.id}` } };
  };

  const comment = (key: string, body: Json): Reply => {
    const issue = issues.get(key);
    if (!issue) return missing();
    const added = { id: String(nextId++), author: { displayName: "OpenKoi Bot" }, body: body.body, created: TIME };
    issue.fields.comment.comments.push(added);
    issue.fields.comment.total += 1;
    return { status: 201, json: added };
  };

  const transitions = (key: string): Reply => {
    const issue = issues.get(key);
    if (!issue) return missing();
    return { json: { transitions: WORKFLOW.filter((t) => t.to.name !== issue.fields.status.name) } };
  };

  const transition = (key: string, body: Json): Reply => {
    const issue = issues.get(key);
    if (!issue) return missing();
    const id = String((body.transition as Json | undefined)?.id);
    const found = WORKFLOW.find((t) => t.id === id && t.to.name !== issue.fields.status.name);
    if (!found) return { status: 400, json: { errorMessages: [`Transition id '${id}' is not valid for this issue.`], errors: {} } };
    issue.fields.status = { name: found.to.name };
    return { status: 204, text: "" };
  };

  const route = (req: RecordedRequest): Reply | undefined => {
    const p = req.path;
    const body = (req.body ?? {}) as Json;
    if (req.method === "GET" && p === "/rest/api/3/myself") return { json: { accountId: "abc", displayName: "OpenKoi Bot", emailAddress: email } };
    if (p === "/rest/api/3/search/jql") return search(req);
    if (p === "/rest/api/3/search")
      return { status: 410, json: { errorMessages: ["The requested API has been removed. Please migrate to the /rest/api/3/search/jql API."] } };
    if (req.method === "POST" && p === "/rest/api/3/issue") return create(body);
    const m = p.match(/^\/rest\/api\/3\/issue\/([^/]+)(\/comment|\/transitions)?$/);
    const key = decodeURIComponent(m?.[1] ?? "");
    if (!m) return undefined;
    if (req.method === "GET" && !m[2]) return issues.has(key) ? { json: issues.get(key) } : missing();
    if (req.method === "POST" && m[2] === "/comment") return comment(key, body);
    if (req.method === "GET" && m[2] === "/transitions") return transitions(key);
    if (req.method === "POST" && m[2] === "/transitions") return transition(key, body);
    return undefined;
  };

  const expected = `Basic ${Buffer.from(`${email}:${apiToken}`).toString("base64")}`;
  const fake = await startFake("jira", (req) => {
    const failure = failures.shift();
    if (failure) return failure;
    if (req.headers.authorization !== expected) {
      return { status: 401, text: "Client must be authenticated to access this resource.", headers: { "content-type": "text/plain" } };
    }
    return route(req) ?? { status: 404, json: { errorMessages: [`fake jira: no route ${req.method} ${req.path}`] } };
  });
  return { ...fake, email, apiToken, projects, issues, addIssue, failNext: (reply) => void failures.push(reply) };
}
