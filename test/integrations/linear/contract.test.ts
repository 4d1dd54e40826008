import { createLinearIntegration } from "../../../src/integrations/linear/index.js";
import { integrationContract } from "../../contracts/integration-contract.js";
import { startLinearFake } from "../../fakes/linear-fake.js";

integrationContract({
  name: "linear",
  async start() {
    const fake = await startLinearFake("lin_api_test");
    const apiUrl = `${fake.url}/graphql`;
    return {
      integration: createLinearIntegration({ api_key: "lin_api_test", api_url: apiUrl }),
      rejected: createLinearIntegration({ api_key: "lin_api_wrong", api_url: apiUrl }),
      seen: () => fake.requests.length,
      writes: () => fake.requests.filter((r) => /^\s*mutation\b/.test(String((r.body as { query?: unknown } | undefined)?.query))).length,
      reset: () => void fake.requests.splice(0),
      rateLimitNext: (seconds) =>
        fake.failNext({
          status: 429,
          headers: { "retry-after": String(seconds) },
          json: { errors: [{ message: "Rate limit exceeded", extensions: { type: "ratelimited", code: "RATELIMITED" } }] },
        }),
      close: () => fake.close(),
    };
  },
  credentialKeys: ["integrations.linear.api_key"],
  unauthorized: {
    tool: "linear_search_issues",
    input: { query: "x" },
    output: "Linear said You need to authenticate to access this operation for query IssueSearch: check integrations.linear.api_key",
  },
  missing: {
    tool: "linear_get_issue",
    input: { id: "ENG-404" },
    output: "Linear said Could not find referenced Issue for query IssueGet (id ENG-404): check the issue identifier",
    names: "ENG-404",
  },
  rateLimited: { tool: "linear_search_issues", input: { query: "crash" }, seconds: 30, output: "Linear rate-limited the request; retry after 30 s" },
  badInput: { tool: "linear_get_issue", input: { id: "the crash one" }, field: "id" },
  write: { tool: "linear_create_issue", input: { team: "ENG", title: "Release notes" } },
});
