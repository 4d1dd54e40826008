import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/core/errors.js";
import type { ToolContext } from "../../../src/core/tool.js";
import type { Integration } from "../../../src/integrations/common.js";
import { createLinearIntegration } from "../../../src/integrations/linear/index.js";
import { type LinearFake, startLinearFake } from "../../fakes/linear-fake.js";

const context: ToolContext = { workspace: "/tmp", dataDir: "/tmp", signal: new AbortController().signal };

let fake: LinearFake;
let linear: Integration;

async function call(name: string, input: unknown, integration = linear) {
  const tool = integration.tools.find((candidate) => candidate.name === name);
  if (!tool) throw new Error(`no tool ${name}`);
  return tool.run(input, context);
}

function variables(index = -1): Record<string, unknown> {
  const body = fake.requests.at(index)?.body as { variables?: Record<string, unknown> } | undefined;
  return body?.variables ?? {};
}

beforeAll(async () => {
  fake = await startLinearFake("lin_api_test");
  linear = createLinearIntegration({ api_key: "lin_api_test", api_url: `${fake.url}/graphql` });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
});

describe("linear integration", () => {
  it("exposes namespaced tools classed read or write, and makes no request until a tool runs", () => {
    expect(Object.fromEntries(linear.tools.map((t) => [t.name, t.class]))).toEqual({
      linear_search_issues: "read",
      linear_get_issue: "read",
      linear_create_issue: "write",
      linear_comment: "write",
      linear_set_state: "write",
    });
    expect(fake.requests).toHaveLength(0);
  });

  it("creates an issue in a team named by key, then gets it back", async () => {
    const created = await call("linear_create_issue", { team: "eng", title: "Crash on start", description: "It **crashes**.", priority: 2 });
    expect(fake.operations()).toEqual(["teams", "issueCreate"]);
    const request = fake.requests.at(-1);
    expect(request).toMatchObject({ method: "POST", path: "/graphql" });
    expect(request?.headers.authorization).toBe("lin_api_test");
    expect(variables()).toEqual({ input: { teamId: fake.team.id, title: "Crash on start", description: "It **crashes**.", priority: 2 } });
    const identifier = created.output.match(/Created (\S+)/)?.[1] ?? "";
    expect(created).toEqual({ output: `Created ${identifier} "Crash on start": https://linear.example/acme/issue/${identifier}` });

    const got = await call("linear_get_issue", { id: identifier });
    expect(fake.operations().at(-1)).toBe("issue");
    expect(variables()).toEqual({ id: identifier });
    expect(JSON.parse(got.output)).toMatchObject({
      key: identifier,
      title: "Crash on start",
      state: "Todo",
      priority: "High",
      team: "ENG",
      description: "It **crashes**.",
    });
  });

  it("names the available teams when the team is unknown", async () => {
    const result = await call("linear_create_issue", { team: "Design", title: "x" });
    expect(result).toEqual({ isError: true, output: 'Linear has no team "Design"; available: ENG (Engineering)' });
    expect(fake.operations()).toEqual(["teams"]);
  });

  it("searches issues by text", async () => {
    fake.addIssue("Login button is misaligned");
    const result = await call("linear_search_issues", { query: "misaligned", limit: 5 });
    expect(fake.operations()).toEqual(["searchIssues"]);
    expect(variables()).toEqual({ term: "misaligned", first: 5 });
    const view = JSON.parse(result.output);
    expect(view).toMatchObject({ total: 1, shown: 1 });
    expect(view.issues[0]).toEqual(
      expect.objectContaining({ title: "Login button is misaligned", state: "Todo", url: expect.stringContaining("/issue/ENG-") }),
    );
  });

  it("comments on an issue by identifier, resolving it to its id first", async () => {
    const issue = fake.addIssue("Needs a comment");
    const result = await call("linear_comment", { id: issue.identifier, body: "On it." });
    expect(fake.operations()).toEqual(["issue", "commentCreate"]);
    expect(variables()).toEqual({ input: { issueId: issue.id, body: "On it." } });
    expect(result.output).toMatch(new RegExp(`^Commented on ${issue.identifier}: ${issue.url}#comment-`));
    const view = JSON.parse((await call("linear_get_issue", { id: issue.identifier })).output);
    expect(view.latest_comments).toEqual([{ author: "OpenKoi Bot", at: "2025-01-02T03:04:05.000Z", body: "On it." }]);
  });

  it("sets a state by name within the issue's team, or lists the team's states", async () => {
    const issue = fake.addIssue("Move me");
    const moved = await call("linear_set_state", { id: issue.identifier, state: "in progress" });
    expect(fake.operations()).toEqual(["issue", "issueUpdate"]);
    const inProgress = fake.team.states.nodes.find((s) => s.name === "In Progress");
    expect(variables()).toEqual({ id: issue.id, input: { stateId: inProgress?.id } });
    expect(moved).toEqual({ output: `Moved ${issue.identifier} from Todo to In Progress: ${issue.url}` });
    expect(fake.issues.get(issue.id)?.state.name).toBe("In Progress");

    const unknown = await call("linear_set_state", { id: issue.identifier, state: "Shipped" });
    expect(unknown).toEqual({
      isError: true,
      output: 'Team ENG has no state "Shipped"; available: Backlog, Todo, In Progress, Done, Canceled',
    });
  });

  it("reports a server error with its status", async () => {
    fake.failNext({ status: 503, text: "upstream unavailable", headers: { "content-type": "text/plain" } });
    const result = await call("linear_get_issue", { id: "ENG-1" });
    expect(result.isError).toBe(true);
    expect(result.output).toMatch(/^Linear said 503 .*: the service is having trouble; try again later$/);
  });

  it("rejects bad input before any request, naming the field", async () => {
    const badId = await call("linear_get_issue", { id: "the crash one" });
    expect(badId).toEqual({ isError: true, output: "Invalid input for linear_get_issue: id: expected an issue identifier like ENG-123" });
    const badPriority = await call("linear_create_issue", { team: "ENG", title: "x", priority: 7 });
    expect(badPriority.output).toMatch(/^Invalid input for linear_create_issue: priority: Too big/);
    expect(fake.requests).toHaveLength(0);
  });

  it("check() asks for the viewer; it throws an actionable error on failure", async () => {
    await expect(linear.check()).resolves.toBe(`Linear: authenticated as OpenKoi Bot (bot@example.com) at ${fake.url}/graphql`);
    expect(fake.operations()).toEqual(["viewer"]);
    const wrong = createLinearIntegration({ api_key: "nope", api_url: `${fake.url}/graphql` });
    await expect(wrong.check()).rejects.toThrow(
      "Linear said You need to authenticate to access this operation for query Viewer: check integrations.linear.api_key",
    );
  });

  it("says when Linear cannot be reached", async () => {
    const gone = await startLinearFake();
    await gone.close();
    const offline = createLinearIntegration({ api_key: "k", api_url: `${gone.url}/graphql` });
    const result = await call("linear_search_issues", { query: "x" }, offline);
    expect(result.output).toMatch(/^Linear could not be reached \(.*ECONNREFUSED.*\): check integrations\.linear\.api_url/);
  });

  it("rejects an invalid config slice by its config path", () => {
    let caught: unknown;
    try {
      createLinearIntegration({ api_url: "http://linear.internal/graphql" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems).toEqual([
      'integrations.linear.api_key: set an API key, e.g. api_key = "{env:LINEAR_API_KEY}"',
      "integrations.linear.api_url: use https (http only for localhost)",
    ]);
  });
});
