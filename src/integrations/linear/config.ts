import { z } from "zod";

const KEY = 'set an API key, e.g. api_key = "{env:LINEAR_API_KEY}"';

/** `[integrations.linear]`; secrets arrive resolved from `{env:NAME}` by the config loader. */
export const linearConfigSchema = z.strictObject({
  api_key: z.string({ error: KEY }).min(1, KEY),
  /** The SDK accepts http only for localhost; say so here rather than at the first call. */
  api_url: z
    .url()
    .refine((url) => url.startsWith("https://") || /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])[:/]/.test(url), "use https (http only for localhost)")
    .default("https://api.linear.app/graphql"),
});

export type LinearIntegrationConfig = z.infer<typeof linearConfigSchema>;
