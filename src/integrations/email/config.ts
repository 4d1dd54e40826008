import { z } from "zod";

/** The `[integrations.email]` slice (SMTP); `{env:…}` secrets are already resolved by the config loader. */
export const emailConfigSchema = z
  .strictObject({
    host: z.string().min(1, 'set it to your SMTP server, e.g. host = "smtp.example.com"'),
    /** Defaults to 465 for `tls`, else 587. */
    port: z.number().int().min(1).max(65535).optional(),
    /** `starttls` upgrades a plain connection (587), `tls` is implicit TLS (465), `none` never encrypts (local relays only). */
    tls: z.enum(["starttls", "tls", "none"]).default("starttls"),
    user: z.string().min(1).optional(),
    password: z.string().optional(),
    /** The sender, `agent@example.com` or `"openkoi" <agent@example.com>`. */
    from: z.string().min(3, 'set it to the sender address, e.g. from = "openkoi <agent@example.com>"'),
    timeout_ms: z.number().int().positive().default(30_000),
  })
  .refine((c) => (c.user === undefined) === (c.password === undefined), {
    message: "set both user and password, or neither for a relay without AUTH",
    path: ["password"],
  });

export type EmailConfig = z.infer<typeof emailConfigSchema>;

export function smtpPort(config: EmailConfig): number {
  return config.port ?? (config.tls === "tls" ? 465 : 587);
}
