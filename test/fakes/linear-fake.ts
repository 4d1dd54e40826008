/**
 * A loopback fake of Linear's GraphQL API: one POST /graphql, dispatched on the document's root field
 * (whatever the operation is named), answering from in-memory teams, issues and comments.
 * Replies carry every field a caller might select; a real server would trim them to the selection.
 */
import { type FakeServer, type RecordedRequest, type Reply, startFake } from "./http.js";

export interface FakeLinearState {
  id: string;
  name: string;
  type: string;
}
export interface FakeLinearTeam {
  id: string;
  key: string;
  name: string;
  states: { nodes: FakeLinearState[] };
}
export interface FakeLinearIssue {
  id: string;
  identifier: string;
  title: string;
  description: string | null;
  url: string;
  priority: number;
  priorityLabel: string;
  createdAt: string;
  updatedAt: string;
  state: FakeLinearState;
  assignee: { name: string } | null;
  creator: { name: string };
  team: FakeLinearTeam;
  project: null;
  labels: { nodes: Array<{ name: string }> };
  comments: { nodes: Array<{ id: string; body: string; createdAt: string; url: string; user: { name: string } }> };
  // The SDK's Issue model dereferences these unguarded; kept so SDK-model queries work too.
  sharedAccess: { isShared: boolean; sharedWithCount: number; viewerHasOnlySharedAccess: boolean; disallowedIssueFields: never[]; sharedWithUsers: never[] };
  reactions: never[];
}

export interface LinearFake extends FakeServer {
  apiKey: string;
  team: FakeLinearTeam;
  issues: Map<string, FakeLinearIssue>;
  addIssue(title: string, fields?: Partial<FakeLinearIssue>): FakeLinearIssue;
  /** The root field of each GraphQL document in `requests`, in order. */
  operations(): string[];
  failNext(reply: Reply): void;
}

const TIME = "2025-01-02T03:04:05.000Z";
const PRIORITIES = ["No priority", "Urgent", "High", "Medium", "Low"];
type Json = Record<string, unknown>;

function gqlError(message: string, type: string, userPresentableMessage?: string, status = 200): Reply {
  return { status, json: { data: null, errors: [{ message, extensions: { type, code: type.toUpperCase().replace(/ /g, "_"), userPresentableMessage } }] } };
}

/** `mutation X($a: T) { issueCreate(...)` → "issueCreate". */
export function rootField(query: string): string {
  return query.match(/^[^{]*\{\s*(\w+)/)?.[1] ?? "";
}

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

export async function startLinearFake(apiKey = "lin_api_test"): Promise<LinearFake> {
  let counter = 1;
  const names = ["Backlog", "Todo", "In Progress", "Done", "Canceled"];
  const types = ["backlog", "unstarted", "started", "completed", "canceled"];
  const states = names.map((name, i) => ({ id: uuid(counter++), name, type: types[i] ?? "unstarted" }));
  const team: FakeLinearTeam = { id: uuid(counter++), key: "ENG", name: "Engineering", states: { nodes: states } };
  const issues = new Map<string, FakeLinearIssue>();
  const failures: Reply[] = [];

  const addIssue = (title: string, fields: Partial<FakeLinearIssue> = {}): FakeLinearIssue => {
    const identifier = `${team.key}-${issues.size + 1}`;
    const priority = fields.priority ?? 0;
    const issue: FakeLinearIssue = {
      id: uuid(counter++),
      identifier,
      title,
      description: null,
      url: `https://linear.example/acme/issue/${identifier}`,
      priority,
      priorityLabel: PRIORITIES[priority] ?? "No priority",
      createdAt: TIME,
      updatedAt: TIME,
      state: states[1] ?? (states[0] as FakeLinearState),
      assignee: null,
      creator: { name: "OpenKoi Bot" },
      team,
      project: null,
      labels: { nodes: [] },
      comments: { nodes: [] },
      sharedAccess: { isShared: false, sharedWithCount: 0, viewerHasOnlySharedAccess: false, disallowedIssueFields: [], sharedWithUsers: [] },
      reactions: [],
      ...fields,
    };
    issues.set(issue.id, issue);
    return issue;
  };

  const find = (id: unknown) => [...issues.values()].find((issue) => issue.id === id || issue.identifier === id);
  const notFound = () => gqlError("Entity not found: Issue", "invalid input", "Could not find referenced Issue.");

  const handlers: Record<string, (vars: Json) => Reply> = {
    viewer: () => ({ json: { data: { viewer: { id: uuid(0), name: "OpenKoi Bot", email: "bot@example.com" } } } }),
    teams: () => ({ json: { data: { teams: { nodes: [team] } } } }),
    searchIssues: (vars) => {
      const term = String(vars.term ?? "").toLowerCase();
      const found = [...issues.values()].filter((issue) => `${issue.identifier} ${issue.title} ${issue.description ?? ""}`.toLowerCase().includes(term));
      const nodes = found.slice(0, Number(vars.first ?? 50));
      return { json: { data: { searchIssues: { totalCount: found.length, nodes, pageInfo: { hasNextPage: found.length > nodes.length } } } } };
    },
    issue: (vars) => {
      const issue = find(vars.id);
      return issue ? { json: { data: { issue } } } : notFound();
    },
    issueCreate: (vars) => {
      const input = (vars.input ?? {}) as Json;
      if (input.teamId !== team.id) return gqlError("Argument Validation Error", "invalid input", "teamId must be a valid team");
      const issue = addIssue(String(input.title), {
        description: typeof input.description === "string" ? input.description : null,
        priority: typeof input.priority === "number" ? input.priority : 0,
      });
      return { json: { data: { issueCreate: { success: true, lastSyncId: 1, issue } } } };
    },
    commentCreate: (vars) => {
      const input = (vars.input ?? {}) as Json;
      const issue = find(input.issueId);
      if (!issue) return notFound();
      const id = uuid(counter++);
      const comment = { id, body: String(input.body), createdAt: TIME, url: `${issue.url}#comment-${id.slice(-4)}`, user: { name: "OpenKoi Bot" } };
      issue.comments.nodes.push(comment);
      return { json: { data: { commentCreate: { success: true, lastSyncId: 1, comment } } } };
    },
    issueUpdate: (vars) => {
      const issue = find(vars.id);
      if (!issue) return notFound();
      const stateId = ((vars.input ?? {}) as Json).stateId;
      const state = states.find((s) => s.id === stateId);
      if (stateId !== undefined && !state) return gqlError("Argument Validation Error", "invalid input", "stateId is not a state of the issue's team");
      if (state) issue.state = state;
      return { json: { data: { issueUpdate: { success: true, lastSyncId: 1, issue } } } };
    },
  };

  const fake = await startFake("linear", (req: RecordedRequest) => {
    const body = (req.body ?? {}) as Json;
    const field = rootField(String(body.query ?? ""));
    const failure = failures.shift();
    if (failure) return failure;
    if (req.method !== "POST" || req.path !== "/graphql") return { status: 404, json: { error: "not found" } };
    if (req.headers.authorization !== apiKey) {
      return gqlError("Authentication required, not authenticated", "authentication error", "You need to authenticate to access this operation.", 400);
    }
    const handle = handlers[field];
    return handle ? handle((body.variables ?? {}) as Json) : gqlError(`fake linear: unhandled root field ${field}`, "graphql error");
  });
  return {
    ...fake,
    apiKey,
    team,
    issues,
    addIssue,
    operations: () => fake.requests.map((r) => rootField(String((r.body as Json | undefined)?.query ?? ""))),
    failNext: (reply) => void failures.push(reply),
  };
}
