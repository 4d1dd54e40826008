import { OpenKoiError } from "../../core/errors.js";
import { type Integration, integrationCheckError, parseIntegrationConfig } from "../common.js";
import { createDocsClient, gdocsCheckHints, gdocsFailure, SERVICE } from "./client.js";
import { gdocsConfigSchema } from "./config.js";
import { createGdocsTools } from "./tools.js";

export type { GdocsConfig } from "./config.js";

/** A document id that cannot exist: an authenticated caller gets 404, a bad credential 401/403. */
const PROBE_ID = "openkoi-doctor-probe";

/** Google Docs tools (`gdocs_*`) from the `[integrations.gdocs]` slice; @googleapis/docs loads on the first call. */
export function createGdocsIntegration(rawConfigSlice: unknown): Integration {
  const config = parseIntegrationConfig("gdocs", gdocsConfigSchema, rawConfigSlice);
  const client = createDocsClient(config);
  const how = config.service_account_key_file ? "service account key" : "OAuth access token";
  return {
    name: "gdocs",
    tools: createGdocsTools(client),
    async check() {
      try {
        const docs = await client();
        await docs.documents.get({ documentId: PROBE_ID });
      } catch (error) {
        if (error instanceof OpenKoiError) throw error;
        const failure = gdocsFailure(error);
        if (failure.kind !== "not_found") throw integrationCheckError(SERVICE, failure, gdocsCheckHints);
      }
      return `Google Docs: ${how} accepted at ${config.root_url}`;
    },
  };
}
