import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/core/errors.js";
import type { ToolContext } from "../../../src/core/tool.js";
import type { Integration } from "../../../src/integrations/common.js";
import { createJiraIntegration } from "../../../src/integrations/jira/index.js";
import { type JiraFake, startJiraFake } from "../../fakes/jira-fake.js";

const context: ToolContext = { workspace: "/tmp", dataDir: "/tmp", signal: new AbortController().signal };

let fake: JiraFake;
let jira: Integration;

async function call(name: string, input: unknown, integration = jira) {
  const tool = integration.tools.find((candidate) => candidate.name === name);
  if (!tool) throw new Error(`no tool ${name}`);
  return tool.run(input, context);
}

function basicAuth(header: string | string[] | undefined): string {
  return Buffer.from(String(header).replace(/^Basic /, ""), "base64").toString("utf8");
}

beforeAll(async () => {
  fake = await startJiraFake("bot@example.com", "jira-token");
  jira = createJiraIntegration({ host: `${fake.url}/`, email: "bot@example.com", api_token: "jira-token" });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
});

describe("jira integration", () => {
  it("exposes namespaced tools classed read or write, and makes no request until a tool runs", () => {
    expect(Object.fromEntries(jira.tools.map((t) => [t.name, t.class]))).toEqual({
      jira_search: "read",
      jira_get_issue: "read",
      jira_create_issue: "write",
      jira_comment: "write",
      jira_transition: "write",
    });
    expect(fake.requests).toHaveLength(0);
  });

  it("creates an issue with an ADF description, then gets it back", async () => {
    const created = await call("jira_create_issue", {
      project: "ENG",
      summary: "Crash on start",
      description: "It crashes.\nEvery time.\n\nSecond paragraph.",
      issue_type: "Bug",
      labels: ["crash"],
    });
    const post = fake.requests.at(-1);
    expect(post).toMatchObject({ method: "POST", path: "/rest/api/3/issue" });
    expect(basicAuth(post?.headers.authorization)).toBe("bot@example.com:jira-token");
    expect(post?.body).toEqual({
      fields: {
        project: { key: "ENG" },
        summary: "Crash on start",
        issuetype: { name: "Bug" },
        labels: ["crash"],
        description: {
          type: "doc",
          version: 1,
          content: [
            { type: "paragraph", content: [{ type: "text", text: "It crashes." }, { type: "hardBreak" }, { type: "text", text: "Every time." }] },
            { type: "paragraph", content: [{ type: "text", text: "Second paragraph." }] },
          ],
        },
      },
    });
    const key = created.output.match(/Created (\S+):/)?.[1] ?? "";
    expect(created).toEqual({ output: `Created ${key}: ${fake.url}/browse/${key}` });

    const got = await call("jira_get_issue", { key });
    expect(fake.requests.at(-1)).toMatchObject({ method: "GET", path: `/rest/api/3/issue/${key}` });
    expect(JSON.parse(got.output)).toMatchObject({
      key,
      type: "Bug",
      status: "To Do",
      summary: "Crash on start",
      labels: ["crash"],
      description: "It crashes.\nEvery time.\nSecond paragraph.",
      url: `${fake.url}/browse/${key}`,
    });
  });

  it("comments in ADF and the comment is readable on the issue", async () => {
    const issue = fake.addIssue("ENG", "Commented issue");
    const result = await call("jira_comment", { key: issue.key, body: "Fixed in main." });
    expect(fake.requests.at(-1)).toMatchObject({
      method: "POST",
      path: `/rest/api/3/issue/${issue.key}/comment`,
      body: { body: { type: "doc", version: 1, content: [{ type: "paragraph", content: [{ type: "text", text: "Fixed in main." }] }] } },
    });
    expect(result.output).toMatch(new RegExp(`^Commented on ${issue.key} \\(comment \\d+\\): ${fake.url}/browse/${issue.key}\\?focusedCommentId=\\d+$`));
    const view = JSON.parse((await call("jira_get_issue", { key: issue.key })).output);
    expect(view).toMatchObject({ comments: 1, latest_comments: [{ author: "OpenKoi Bot", body: "Fixed in main." }] });
  });

  it("searches with JQL through the enhanced search endpoint", async () => {
    fake.addIssue("ENG", "Findable");
    const result = await call("jira_search", { jql: "project = ENG ORDER BY updated DESC", limit: 1 });
    const request = fake.requests.at(-1);
    expect(request).toMatchObject({ method: "GET", path: "/rest/api/3/search/jql" });
    expect(request?.query).toMatchObject({ jql: "project = ENG ORDER BY updated DESC", maxResults: "1" });
    expect(request?.query.fields).toContain("summary");
    const view = JSON.parse(result.output);
    expect(view).toMatchObject({ shown: 1, more: true });
    expect(view.issues[0]).toEqual(
      expect.objectContaining({ key: expect.stringMatching(/^ENG-\d+$/), status: "To Do", url: expect.stringContaining("/browse/ENG-") }),
    );
  });

  it("transitions by name case-insensitively, or lists the available transitions", async () => {
    const issue = fake.addIssue("ENG", "Move me");
    const moved = await call("jira_transition", { key: issue.key, to: "start progress" });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /rest/api/3/issue/${issue.key}/transitions`,
      `POST /rest/api/3/issue/${issue.key}/transitions`,
    ]);
    expect(fake.requests.at(-1)?.body).toEqual({ transition: { id: "21" } });
    expect(moved).toEqual({ output: `Moved ${issue.key} to In Progress (transition "Start Progress")` });
    expect(fake.issues.get(issue.key)?.fields.status.name).toBe("In Progress");

    const byStatus = await call("jira_transition", { key: issue.key, to: "DONE" });
    expect(byStatus.output).toBe(`Moved ${issue.key} to Done (transition "Resolve")`);

    fake.requests.length = 0;
    const unknown = await call("jira_transition", { key: issue.key, to: "Archived" });
    expect(unknown).toEqual({
      isError: true,
      output: `${issue.key} has no transition named "Archived"; available: Back to To Do (→ To Do), Start Progress (→ In Progress)`,
    });
    expect(fake.requests.map((r) => r.method)).toEqual(["GET"]);
  });

  it("turns a 400 into the offending fields", async () => {
    const result = await call("jira_create_issue", { project: "NOPE", summary: "x" });
    expect(result.output).toBe(
      "Jira said 400 project: valid project is required for POST /rest/api/3/issue: check the project key, issue type and field values the project accepts",
    );
  });

  it("rejects bad input before any request, naming the field", async () => {
    const badKey = await call("jira_get_issue", { key: "not a key" });
    expect(badKey).toEqual({ isError: true, output: "Invalid input for jira_get_issue: key: expected an issue key like ENG-123" });
    const badLimit = await call("jira_search", { jql: "project = ENG", limit: 500 });
    expect(badLimit.output).toMatch(/^Invalid input for jira_search: limit: Too big/);
    const badLabel = await call("jira_create_issue", { project: "ENG", summary: "x", labels: ["two words"] });
    expect(badLabel.output).toBe("Invalid input for jira_create_issue: labels.0: labels cannot contain spaces");
    expect(fake.requests).toHaveLength(0);
  });

  it("check() calls myself; it throws an actionable error on failure", async () => {
    await expect(jira.check()).resolves.toBe(`Jira: authenticated as OpenKoi Bot at ${fake.url}`);
    expect(fake.requests.at(-1)).toMatchObject({ method: "GET", path: "/rest/api/3/myself" });
    const wrong = createJiraIntegration({ host: fake.url, email: "bot@example.com", api_token: "wrong" });
    await expect(wrong.check()).rejects.toThrow(
      /^Jira said 401 .* for GET \/rest\/api\/3\/myself: check integrations\.jira\.email and integrations\.jira\.api_token$/,
    );
  });

  it("says when Jira cannot be reached", async () => {
    const gone = await startJiraFake();
    await gone.close();
    const offline = createJiraIntegration({ host: gone.url, email: "a@b.c", api_token: "t" });
    const result = await call("jira_get_issue", { key: "ENG-1" }, offline);
    expect(result.output).toMatch(/^Jira could not be reached for GET \/rest\/api\/3\/issue\/ENG-1 \(.*ECONNREFUSED.*\): check integrations\.jira\.host/);
  });

  it("rejects an invalid config slice by its config path", () => {
    let caught: unknown;
    try {
      createJiraIntegration({ host: "acme.atlassian.net", api_token: "" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems).toEqual([
      "integrations.jira.host: set the site URL, e.g. https://acme.atlassian.net",
      "integrations.jira.email: set the email of the account that owns the API token",
      'integrations.jira.api_token: set an API token, e.g. api_token = "{env:JIRA_API_TOKEN}"',
    ]);
  });
});
