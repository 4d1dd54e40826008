import { z } from "zod";
import { OpenKoiError } from "../../core/errors.js";
import type { Tool } from "../../core/tool.js";
import { defineTool, integrationError } from "../common.js";
import type { EmailConfig } from "./config.js";
import { sendEmail } from "./send.js";

const addresses = z.union([z.email(), z.array(z.email()).min(1).max(50)]).describe("One address or a list of addresses");

type SendInput = { to: string | string[]; cc?: string | string[] | undefined; subject: string; text: string; html?: string | undefined };

function send(config: EmailConfig): Tool<SendInput> {
  return defineTool({
    name: "email_send",
    description: `Send an email from ${config.from}. Give a plain-text body; add html only for a richer version of the same content.`,
    class: "write",
    schema: z.strictObject({
      to: addresses,
      cc: addresses.optional(),
      subject: z.string().min(1).max(998).describe("Subject line"),
      text: z.string().min(1).max(500_000).describe("Plain-text body"),
      html: z.string().max(1_000_000).optional().describe("Optional HTML body (the text body stays as the fallback)"),
    }),
    async run(input) {
      const sent = await sendEmail(config, input);
      const rejected = sent.rejected.length > 0 ? `; rejected: ${sent.rejected.join(", ")}` : "";
      return `Sent email ${sent.messageId} to ${sent.accepted.join(", ")}${rejected}`;
    },
    onError: (error) => (error instanceof OpenKoiError ? { output: error.message, isError: true } : integrationError("SMTP", error)),
  });
}

export function createEmailTools(config: EmailConfig): Tool[] {
  return [send(config)];
}
