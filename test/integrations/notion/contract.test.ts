import { createNotionIntegration } from "../../../src/integrations/notion/index.js";
import { integrationContract } from "../../contracts/integration-contract.js";
import { notionError, startNotionFake } from "../../fakes/notion-fake.js";

const TOKEN = "ntn_test_secret";
const PARENT = "0f1e2d3c-4b5a-4968-8776-655443322110";
const MISSING = "11111111-2222-3333-4444-555555555555";

integrationContract({
  name: "notion",
  async start() {
    const fake = await startNotionFake({ token: TOKEN });
    fake.addPage({ id: PARENT, title: "Team wiki" });
    return {
      integration: createNotionIntegration({ token: TOKEN, base_url: fake.url }),
      rejected: createNotionIntegration({ token: "ntn_wrong", base_url: fake.url }),
      seen: () => fake.requests.length,
      writes: () => fake.requests.filter((r) => r.method === "POST" && r.path === "/v1/pages").length,
      reset: () => void fake.requests.splice(0),
      rateLimitNext: (seconds) => fake.failNext(notionError(429, "rate_limited", "You have been rate limited.", { "retry-after": String(seconds) })),
      close: () => fake.close(),
    };
  },
  credentialKeys: ["integrations.notion.token"],
  unauthorized: {
    tool: "notion_search",
    input: { query: "x" },
    output: "Notion said 401 unauthorized: API token is invalid: check integrations.notion.token",
  },
  missing: {
    tool: "notion_read_page",
    input: { page_id: MISSING },
    output: `Notion said 404 object_not_found: Could not find block with ID: ${MISSING}. Make sure the relevant pages and databases are shared with your integration: check the id, and share the page with the integration (page ⋯ menu → Connections)`,
    names: MISSING,
  },
  rateLimited: { tool: "notion_search", input: { query: "x" }, seconds: 7, output: "Notion rate-limited the request; retry after 7 s" },
  badInput: { tool: "notion_create_page", input: { parent_page_id: PARENT }, field: "title" },
  write: { tool: "notion_create_page", input: { parent_page_id: PARENT, title: "Release notes", content: "Shipped." } },
});
