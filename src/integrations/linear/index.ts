import { type Integration, integrationCheckError, parseIntegrationConfig } from "../common.js";
import { createLinearGql, linearCheckHints, linearFailure, SERVICE } from "./client.js";
import { linearConfigSchema } from "./config.js";
import { createLinearTools } from "./tools.js";

export type { LinearIntegrationConfig } from "./config.js";

/** Linear tools (`linear_*`) from the `[integrations.linear]` slice; @linear/sdk loads on the first call. */
export function createLinearIntegration(rawConfigSlice: unknown): Integration {
  const config = parseIntegrationConfig("linear", linearConfigSchema, rawConfigSlice);
  const gql = createLinearGql(config);
  return {
    name: "linear",
    tools: createLinearTools(gql),
    async check() {
      try {
        const { viewer } = await gql<{ viewer: { name: string; email?: string } }>("query Viewer { viewer { id name email } }");
        return `Linear: authenticated as ${viewer.name}${viewer.email ? ` (${viewer.email})` : ""} at ${config.api_url}`;
      } catch (error) {
        throw integrationCheckError(SERVICE, linearFailure(error), linearCheckHints);
      }
    },
  };
}
