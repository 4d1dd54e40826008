import { createJiraIntegration } from "../../../src/integrations/jira/index.js";
import { integrationContract } from "../../contracts/integration-contract.js";
import { startJiraFake } from "../../fakes/jira-fake.js";

integrationContract({
  name: "jira",
  async start() {
    const fake = await startJiraFake("bot@example.com", "jira-token");
    const slice = { host: fake.url, email: "bot@example.com" };
    return {
      integration: createJiraIntegration({ ...slice, api_token: "jira-token" }),
      rejected: createJiraIntegration({ ...slice, api_token: "wrong" }),
      seen: () => fake.requests.length,
      writes: () => fake.requests.filter((r) => r.method === "POST").length,
      reset: () => void fake.requests.splice(0),
      rateLimitNext: (seconds) =>
        fake.failNext({ status: 429, headers: { "retry-after": String(seconds) }, json: { errorMessages: ["Rate limit exceeded."] } }),
      close: () => fake.close(),
    };
  },
  credentialKeys: ["integrations.jira.email", "integrations.jira.api_token"],
  unauthorized: {
    tool: "jira_get_issue",
    input: { key: "ENG-1" },
    output:
      "Jira said 401 Client must be authenticated to access this resource for GET /rest/api/3/issue/ENG-1: check integrations.jira.email and integrations.jira.api_token",
  },
  missing: {
    tool: "jira_get_issue",
    input: { key: "ENG-999" },
    output:
      "Jira said 404 Issue does not exist or you do not have permission to see it for GET /rest/api/3/issue/ENG-999: check the issue key (the account may also lack permission to see it)",
    names: "ENG-999",
  },
  rateLimited: { tool: "jira_search", input: { jql: "project = ENG" }, seconds: 30, output: "Jira rate-limited the request; retry after 30 s" },
  badInput: { tool: "jira_get_issue", input: { key: "not a key" }, field: "key" },
  write: { tool: "jira_create_issue", input: { project: "ENG", summary: "Release notes" } },
});
