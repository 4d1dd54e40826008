import { z } from "zod";

/** The `[integrations.gdocs]` slice; `{env:…}` secrets are already resolved by the config loader. */
export const gdocsConfigSchema = z
  .strictObject({
    /** An OAuth access token (short-lived; sent as a Bearer token, never refreshed). */
    access_token: z.string().min(1).optional(),
    /** A service account's JSON key file; share the documents with its client_email. */
    service_account_key_file: z.string().min(1).optional(),
    /** API root; must end with "/" (added when missing). Tests point it at a loopback fake. */
    root_url: z
      .url()
      .default("https://docs.googleapis.com/")
      .transform((url) => (url.endsWith("/") ? url : `${url}/`)),
    timeout_ms: z.number().int().positive().default(30_000),
  })
  .refine((c) => (c.access_token === undefined) !== (c.service_account_key_file === undefined), {
    message: "set exactly one of access_token or service_account_key_file",
  });

export type GdocsConfig = z.infer<typeof gdocsConfigSchema>;
