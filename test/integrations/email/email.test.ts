import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, OpenKoiError } from "../../../src/core/errors.js";
import type { Tool, ToolContext } from "../../../src/core/tool.js";
import { emailConfigSchema } from "../../../src/integrations/email/config.js";
import { createEmailIntegration } from "../../../src/integrations/email/index.js";
import { sendEmail } from "../../../src/integrations/email/send.js";
import { type SmtpFake, startSmtpFake } from "../../fakes/smtp.js";
import { freePort as closedPort } from "../../helpers/serve-process.js";

const context: ToolContext = { workspace: "/tmp", dataDir: "/tmp", signal: new AbortController().signal };
const FROM = '"openkoi" <agent@example.test>';

let smtp: SmtpFake;
beforeAll(async () => {
  smtp = await startSmtpFake({ user: "bot", pass: "s3cret", rejectRecipients: ["nobody@blocked.test"] });
});
afterAll(() => smtp.close());
beforeEach(() => {
  smtp.messages.splice(0);
  smtp.logins.splice(0);
});

function slice(overrides: Record<string, unknown> = {}) {
  return { host: "127.0.0.1", port: smtp.port, tls: "none", user: "bot", password: "s3cret", from: FROM, timeout_ms: 5000, ...overrides };
}

function emailTool(overrides: Record<string, unknown> = {}): Tool {
  const tool = createEmailIntegration(slice(overrides)).tools[0];
  if (!tool) throw new Error("no email tool");
  return tool;
}

describe("email integration", () => {
  it("exposes email_send, classed write", () => {
    const integration = createEmailIntegration(slice());
    expect(integration.name).toBe("email");
    expect(integration.tools.map((t) => [t.name, t.class])).toEqual([["email_send", "write"]]);
  });

  it("validates the [integrations.email] slice", () => {
    expect(() => createEmailIntegration({ from: FROM })).toThrow(ConfigError);
    expect(() => createEmailIntegration({ host: "smtp.example.com", from: FROM, user: "u" })).toThrow("integrations.email.password");
    expect(emailConfigSchema.parse({ host: "smtp.example.com", from: FROM })).toMatchObject({ tls: "starttls", timeout_ms: 30_000 });
  });

  it("email_send delivers text and html parts with to, cc and subject over authenticated SMTP", async () => {
    const result = await emailTool().run(
      {
        to: ["alice@example.test", "bob@example.test"],
        cc: "carol@example.test",
        subject: "Nightly build ✓",
        text: "All 42 tests passed.",
        html: "<p>All <b>42</b> tests passed.</p>",
      },
      context,
    );
    const [mail] = smtp.messages;
    expect(smtp.messages).toHaveLength(1);
    expect(mail?.user).toBe("bot");
    expect(mail?.envelope).toEqual({ from: "agent@example.test", to: ["alice@example.test", "bob@example.test", "carol@example.test"] });
    expect(mail?.parsed.from?.text).toBe('"openkoi" <agent@example.test>');
    expect(mail?.parsed.headers.get("to")).toMatchObject({ text: "alice@example.test, bob@example.test" });
    expect(mail?.parsed.headers.get("cc")).toMatchObject({ text: "carol@example.test" });
    expect(mail?.parsed.subject).toBe("Nightly build ✓");
    expect(mail?.parsed.text?.trim()).toBe("All 42 tests passed.");
    expect(mail?.parsed.html).toBe("<p>All <b>42</b> tests passed.</p>");
    expect(mail?.raw).toMatch(/Content-Type: multipart\/alternative/);
    expect(result).toEqual({
      output: `Sent email ${mail?.parsed.messageId} to alice@example.test, bob@example.test, carol@example.test`,
    });
  });

  it("sendEmail (for the digest) passes custom headers and reports accepted and rejected recipients", async () => {
    const config = emailConfigSchema.parse(slice());
    const sent = await sendEmail(config, {
      to: ["dana@example.test", "nobody@blocked.test"],
      subject: "Digest",
      text: "3 tasks done",
      html: "<ul><li>3 tasks done</li></ul>",
      headers: { "X-OpenKoi-Digest": "daily" },
    });
    const [mail] = smtp.messages;
    expect(sent).toEqual({ messageId: mail?.parsed.messageId, accepted: ["dana@example.test"], rejected: ["nobody@blocked.test"] });
    expect(mail?.envelope.to).toEqual(["dana@example.test"]);
    expect(mail?.parsed.headers.get("x-openkoi-digest")).toBe("daily");
    expect(mail?.parsed.html).toBe("<ul><li>3 tasks done</li></ul>");
  });

  it("a partly rejected recipient list is sent and names the rejected address", async () => {
    const result = await emailTool().run({ to: ["erin@example.test", "nobody@blocked.test"], subject: "s", text: "t" }, context);
    expect(result.isError).toBeUndefined();
    expect(result.output).toMatch(/^Sent email <[^>]+> to erin@example\.test; rejected: nobody@blocked\.test$/);
  });

  it("an unreachable server names host and port", async () => {
    const port = await closedPort();
    const result = await emailTool({ port }).run({ to: "a@example.test", subject: "s", text: "t" }, context);
    expect(result.isError).toBe(true);
    expect(result.output).toMatch(
      new RegExp(`^SMTP could not be reached for 127\\.0\\.0\\.1:${port} \\(ESOCKET: .*ECONNREFUSED.*\\): check integrations\\.email\\.host, port and tls`),
    );
  });

  it("check() verifies connection and login", async () => {
    await expect(createEmailIntegration(slice()).check()).resolves.toBe(`Email: SMTP 127.0.0.1:${smtp.port} (none) accepted the connection as bot`);
    expect(smtp.logins).toEqual([{ user: "bot", accepted: true }]);
    const failing = createEmailIntegration(slice({ password: "wrong" })).check();
    await expect(failing).rejects.toThrow(OpenKoiError);
    await expect(failing).rejects.toThrow("SMTP said 535 Invalid username or password: check integrations.email.user and integrations.email.password");
  });
});
