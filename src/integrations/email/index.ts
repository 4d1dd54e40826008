import { type Integration, parseIntegrationConfig } from "../common.js";
import { emailConfigSchema, smtpPort } from "./config.js";
import { verifyEmail } from "./send.js";
import { createEmailTools } from "./tools.js";

export type { EmailConfig } from "./config.js";
export { type EmailMessage, type SentEmail, sendEmail } from "./send.js";

/** The `email_send` tool from the `[integrations.email]` slice; nodemailer loads on the first send. */
export function createEmailIntegration(rawConfigSlice: unknown): Integration {
  const config = parseIntegrationConfig("email", emailConfigSchema, rawConfigSlice);
  return {
    name: "email",
    tools: createEmailTools(config),
    async check() {
      await verifyEmail(config);
      const as = config.user ? ` as ${config.user}` : "";
      return `Email: SMTP ${config.host}:${smtpPort(config)} (${config.tls}) accepted the connection${as}`;
    },
  };
}
