import { type Integration, integrationCheckError, parseIntegrationConfig } from "../common.js";
import { createNotionClient, notionCheckHints, notionFailure, SERVICE } from "./client.js";
import { notionConfigSchema } from "./config.js";
import { createNotionTools } from "./tools.js";

export type { NotionConfig } from "./config.js";

/** Notion tools (`notion_*`) from the `[integrations.notion]` slice; the SDK loads on the first call. */
export function createNotionIntegration(rawConfigSlice: unknown): Integration {
  const config = parseIntegrationConfig("notion", notionConfigSchema, rawConfigSlice);
  const client = createNotionClient(config);
  return {
    name: "notion",
    tools: createNotionTools(client),
    async check() {
      try {
        const notion = await client();
        const me = await notion.users.me({});
        const workspace = me.type === "bot" && "workspace_name" in me.bot ? ` in workspace ${me.bot.workspace_name ?? "?"}` : "";
        return `Notion: authenticated as ${me.name ?? me.id}${workspace} at ${config.base_url}`;
      } catch (error) {
        throw integrationCheckError(SERVICE, notionFailure(error), notionCheckHints);
      }
    },
  };
}
