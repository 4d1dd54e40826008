import { createGdocsIntegration } from "../../../src/integrations/gdocs/index.js";
import { integrationContract } from "../../contracts/integration-contract.js";
import { googleError, startGdocsFake } from "../../fakes/gdocs-fake.js";

const TOKEN = "ya29.test-token";

integrationContract({
  name: "gdocs",
  async start() {
    const fake = await startGdocsFake({ token: TOKEN });
    const root = `${fake.url}/`;
    return {
      integration: createGdocsIntegration({ access_token: TOKEN, root_url: root }),
      rejected: createGdocsIntegration({ access_token: "expired", root_url: root }),
      seen: () => fake.requests.length,
      writes: () => fake.requests.filter((r) => r.method === "POST").length,
      reset: () => void fake.requests.splice(0),
      rateLimitNext: (seconds) => fake.failNext(googleError(429, "RESOURCE_EXHAUSTED", "Quota exceeded", { "retry-after": String(seconds) })),
      close: () => fake.close(),
    };
  },
  credentialKeys: ["integrations.gdocs.access_token", "integrations.gdocs.service_account_key_file"],
  unauthorized: {
    tool: "gdocs_read",
    input: { document_id: "x" },
    output:
      "Google Docs said 401 UNAUTHENTICATED: Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential for GET /v1/documents/x: check integrations.gdocs.access_token or integrations.gdocs.service_account_key_file",
  },
  missing: {
    tool: "gdocs_read",
    input: { document_id: "nope" },
    output:
      "Google Docs said 404 NOT_FOUND: Requested entity was not found for GET /v1/documents/nope: check the document id (the part of the URL after /document/d/)",
    names: "/v1/documents/nope",
  },
  rateLimited: { tool: "gdocs_read", input: { document_id: "any" }, seconds: 12, output: "Google Docs rate-limited the request; retry after 12 s" },
  badInput: { tool: "gdocs_create", input: { title: "" }, field: "title" },
  write: { tool: "gdocs_create", input: { title: "Minutes" } },
});
