import type { Integration } from "./common.js";

/** The lazy registry: an integration's module is imported only when `[integrations.<name>]` exists. */
const FACTORIES: Record<string, () => Promise<(raw: unknown) => Integration>> = {
  github: async () => (await import("./github/index.js")).createGitHubIntegration,
  jira: async () => (await import("./jira/index.js")).createJiraIntegration,
  linear: async () => (await import("./linear/index.js")).createLinearIntegration,
  notion: async () => (await import("./notion/index.js")).createNotionIntegration,
  gdocs: async () => (await import("./gdocs/index.js")).createGdocsIntegration,
  email: async () => (await import("./email/index.js")).createEmailIntegration,
};

/** Keys the hub reads itself; the rest of the table is the integration's own config. */
export interface LoadedIntegration extends Integration {
  /** Hold write side effects until the evaluator's score passes. */
  requirePassingScore: boolean;
}

export async function loadIntegrations(configs: Record<string, Record<string, unknown>>): Promise<LoadedIntegration[]> {
  const loaded: LoadedIntegration[] = [];
  for (const [name, table] of Object.entries(configs)) {
    const factory = FACTORIES[name];
    if (!factory) continue;
    const { require_passing_score, enabled, ...own } = table;
    if (enabled === false) continue;
    const integration = (await factory())(own);
    loaded.push({ ...integration, requirePassingScore: require_passing_score === true });
  }
  return loaded;
}
