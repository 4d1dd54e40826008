import { type Integration, integrationCheckError, parseIntegrationConfig } from "../common.js";
import { createGitHubClient, githubCheckHints, githubFailure, SERVICE } from "./client.js";
import { githubConfigSchema } from "./config.js";
import { createGitHubTools } from "./tools.js";

export type { GitHubIntegrationConfig } from "./config.js";

/** GitHub tools (`github_*`) from the `[integrations.github]` slice; Octokit loads on the first call. */
export function createGitHubIntegration(rawConfigSlice: unknown): Integration {
  const config = parseIntegrationConfig("github", githubConfigSchema, rawConfigSlice);
  const client = createGitHubClient(config);
  return {
    name: "github",
    tools: createGitHubTools(client),
    async check() {
      try {
        const octokit = await client();
        const { data } = await octokit.users.getAuthenticated();
        return `GitHub: authenticated as ${data.login} at ${config.api_url}`;
      } catch (error) {
        throw integrationCheckError(SERVICE, githubFailure(error), githubCheckHints);
      }
    },
  };
}
