import { z } from "zod";

/** The `[integrations.notion]` slice; `{env:…}` secrets are already resolved by the config loader. */
export const notionConfigSchema = z.strictObject({
  /** An internal integration secret (`ntn_…` / `secret_…`), shared with the pages the agent may touch. */
  token: z.string().min(1, 'set it to a Notion integration secret, e.g. token = "{env:NOTION_TOKEN}"'),
  /** API root without `/v1`; tests point it at a loopback fake. */
  base_url: z.url().default("https://api.notion.com"),
  timeout_ms: z.number().int().positive().default(30_000),
});

export type NotionConfig = z.infer<typeof notionConfigSchema>;
