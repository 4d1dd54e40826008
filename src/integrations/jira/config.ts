import { z } from "zod";

const EMAIL = "set the email of the account that owns the API token";
const TOKEN = 'set an API token, e.g. api_token = "{env:JIRA_API_TOKEN}"';

/** `[integrations.jira]`; secrets arrive resolved from `{env:NAME}` by the config loader. */
export const jiraConfigSchema = z.strictObject({
  /** The site, e.g. https://acme.atlassian.net. */
  host: z.url({ error: "set the site URL, e.g. https://acme.atlassian.net" }),
  email: z.string({ error: EMAIL }).min(1, EMAIL),
  api_token: z.string({ error: TOKEN }).min(1, TOKEN),
});

export type JiraIntegrationConfig = z.infer<typeof jiraConfigSchema>;
