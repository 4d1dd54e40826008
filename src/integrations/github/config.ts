import { z } from "zod";

const TOKEN = 'set a token, e.g. token = "{env:GITHUB_TOKEN}"';

/** `[integrations.github]`; secrets arrive resolved from `{env:NAME}` by the config loader. */
export const githubConfigSchema = z.strictObject({
  token: z.string({ error: TOKEN }).min(1, TOKEN),
  /** GitHub Enterprise Server: https://HOST/api/v3. */
  api_url: z.url().default("https://api.github.com"),
});

export type GitHubIntegrationConfig = z.infer<typeof githubConfigSchema>;
