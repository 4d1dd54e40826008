import { type Integration, integrationCheckError, parseIntegrationConfig } from "../common.js";
import { createJiraClient, jiraCheckHints, jiraFailure, SERVICE, siteUrl } from "./client.js";
import { jiraConfigSchema } from "./config.js";
import { createJiraTools } from "./tools.js";

export type { JiraIntegrationConfig } from "./config.js";

/** Jira tools (`jira_*`) from the `[integrations.jira]` slice; jira.js loads on the first call. */
export function createJiraIntegration(rawConfigSlice: unknown): Integration {
  const config = parseIntegrationConfig("jira", jiraConfigSchema, rawConfigSlice);
  const client = createJiraClient(config);
  const site = siteUrl(config);
  return {
    name: "jira",
    tools: createJiraTools(client, site),
    async check() {
      try {
        const jira = await client();
        const me = await jira.myself.getCurrentUser();
        return `Jira: authenticated as ${me.displayName ?? me.accountId ?? config.email} at ${site}`;
      } catch (error) {
        throw integrationCheckError(SERVICE, jiraFailure(error), jiraCheckHints);
      }
    },
  };
}
