/** Email speaks SMTP, not HTTP: a rejected login stands for the 401, a rejected mailbox for the 404, a 451 deferral for the 429. */
import { createEmailIntegration } from "../../../src/integrations/email/index.js";
import { integrationContract } from "../../contracts/integration-contract.js";
import { startSmtpFake } from "../../fakes/smtp.js";

const FROM = '"openkoi" <agent@example.test>';

integrationContract({
  name: "email",
  async start() {
    const smtp = await startSmtpFake({ user: "bot", pass: "s3cret", rejectRecipients: ["nobody@blocked.test"] });
    const slice = { host: "127.0.0.1", port: smtp.port, tls: "none", user: "bot", from: FROM, timeout_ms: 5000 };
    let connectionsBefore = 0;
    return {
      integration: createEmailIntegration({ ...slice, password: "s3cret" }),
      rejected: createEmailIntegration({ ...slice, password: "wrong" }),
      seen: () => smtp.connections() - connectionsBefore,
      writes: () => smtp.messages.length,
      reset() {
        smtp.messages.splice(0);
        smtp.logins.splice(0);
        connectionsBefore = smtp.connections();
      },
      rateLimitNext: (seconds) => smtp.refuseNextMail({ code: 451, message: `4.7.1 Rate limit exceeded, try again in ${seconds} seconds` }),
      close: () => smtp.close(),
    };
  },
  credentialKeys: ["integrations.email.user", "integrations.email.password"],
  unauthorized: {
    tool: "email_send",
    input: { to: "a@example.test", subject: "s", text: "t" },
    output: "SMTP said 535 Invalid username or password: check integrations.email.user and integrations.email.password",
  },
  missing: {
    tool: "email_send",
    input: { to: "nobody@blocked.test", subject: "s", text: "t" },
    output: "SMTP said 550 nobody@blocked.test: mailbox unavailable (rejected: nobody@blocked.test): check the recipient addresses",
    names: "nobody@blocked.test",
  },
  rateLimited: {
    tool: "email_send",
    input: { to: "a@example.test", subject: "s", text: "t" },
    seconds: 30,
    output: "SMTP said 451 4.7.1 Rate limit exceeded, try again in 30 seconds: the mail server refused for now; try again later",
  },
  badInput: { tool: "email_send", input: { to: "not-an-address", subject: "s", text: "t" }, field: "to" },
  write: { tool: "email_send", input: { to: "lead@example.test", subject: "Report", text: "Done." } },
});
