import { createGitHubIntegration } from "../../../src/integrations/github/index.js";
import { integrationContract } from "../../contracts/integration-contract.js";
import { startGitHubFake } from "../../fakes/github-fake.js";

integrationContract({
  name: "github",
  async start() {
    const fake = await startGitHubFake("ghp_test");
    return {
      integration: createGitHubIntegration({ token: "ghp_test", api_url: fake.url }),
      rejected: createGitHubIntegration({ token: "ghp_wrong", api_url: fake.url }),
      seen: () => fake.requests.length,
      writes: () => fake.requests.filter((r) => r.method === "POST").length,
      reset() {
        fake.requests.length = 0;
        fake.repo("acme/widgets");
      },
      rateLimitNext: (seconds) =>
        fake.failNext({ status: 429, headers: { "retry-after": String(seconds) }, json: { message: "You have exceeded a secondary rate limit" } }),
      close: () => fake.close(),
    };
  },
  credentialKeys: ["integrations.github.token"],
  unauthorized: {
    tool: "github_get_issue",
    input: { owner: "acme", repo: "widgets", number: 1 },
    output: "GitHub said 401 Bad credentials for GET /repos/acme/widgets/issues/1: check integrations.github.token",
  },
  missing: {
    tool: "github_get_issue",
    input: { owner: "acme", repo: "widgets", number: 999 },
    output:
      "GitHub said 404 Not Found for GET /repos/acme/widgets/issues/999: check the owner, repo and number (private repositories need a token with access)",
    names: "acme/widgets/issues/999",
  },
  rateLimited: { tool: "github_search_issues", input: { query: "crash" }, seconds: 30, output: "GitHub rate-limited the request; retry after 30 s" },
  badInput: { tool: "github_get_issue", input: { owner: "acme", repo: "widgets", number: "nine" }, field: "number" },
  write: { tool: "github_create_issue", input: { owner: "acme", repo: "widgets", title: "Release notes" } },
});
