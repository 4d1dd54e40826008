import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { ConfigError } from "../../src/core/errors.js";
import { type DigestHost, digestDeps, sendDigest, startDigestScheduler } from "../../src/digest/index.js";
import { windowOf } from "../../src/digest/schedule.js";
import { openStore, type Store } from "../../src/store/index.js";
import { waitFor } from "../fakes/http.js";
import { type SmtpFake, startSmtpFake } from "../fakes/smtp.js";
import { GITHUB_TASK, HOSTILE_TASK, seedDigest, seedProposals } from "./seed.js";

let smtp: SmtpFake;
let dir: string;
let store: Store;

beforeAll(async () => {
  smtp = await startSmtpFake({ user: "digest-bot", pass: "s3cret" });
});
afterAll(() => smtp.close());

beforeEach(() => {
  smtp.messages.splice(0);
  dir = mkdtempSync(join(tmpdir(), "openkoi-digest-send-"));
  store = openStore(join(dir, "data", "openkoi.db"), { now: () => new Date("2025-02-28T13:00:00.000Z") });
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `email: null` leaves [integrations.email] out. */
function host(digest: Record<string, unknown>, email: Record<string, unknown> | null = {}): DigestHost {
  const integrations = email
    ? {
        email: {
          host: "127.0.0.1",
          port: smtp.port,
          tls: "none",
          user: "digest-bot",
          password: "s3cret",
          from: "openkoi <agent@example.test>",
          timeout_ms: 5000,
          ...email,
        },
      }
    : {};
  const config = parseConfig({ digest: { to: ["lead@example.test", "ops@example.test"], timezone: "UTC", ...digest }, integrations }, {});
  return { config, paths: { home: join(dir, "home") }, store };
}

describe("sending a digest over SMTP (nodemailer → smtp-server on loopback)", () => {
  it("delivers the subject, text and HTML parts to every recipient, from digest.from", async () => {
    seedDigest(store, new Date("2025-02-28T00:00:00.000Z"));
    seedProposals(join(dir, "home"));
    const window = windowOf(new Date("2025-03-01T00:00:00.000Z"), 24);
    const sent = await sendDigest(digestDeps(host({ from: "Digest <digest@example.test>" })), window);

    expect(sent.accepted).toEqual(["lead@example.test", "ops@example.test"]);
    expect(smtp.messages).toHaveLength(1);
    const [mail] = smtp.messages;
    expect(mail?.user).toBe("digest-bot");
    expect(mail?.envelope).toEqual({ from: "digest@example.test", to: ["lead@example.test", "ops@example.test"] });
    expect(mail?.parsed.subject).toBe("openkoi digest 1 Mar 2025: 3 done, 1 failed, $0.8725");
    expect(mail?.parsed.headers.get("x-openkoi-digest")).toBe("2025-03-01T00:00:00.000Z");
    expect(mail?.parsed.text).toContain(`✓ 0.85   2 it   $0.5000  ${GITHUB_TASK}`);
    expect(mail?.parsed.text).toContain("PR https://github.com/acme/api/pull/43");
    expect(mail?.parsed.text).toContain("migration-safety: Check SQL migrations for locks & data loss");
    const html = typeof mail?.parsed.html === "string" ? mail.parsed.html : "";
    expect(html).toContain('<a href="https://github.com/acme/api/pull/43" style="color:#0366d6">pull request</a>');
    expect(html).toContain("&#60;script&#62;");
    expect(html).not.toContain(HOSTILE_TASK);
  });

  it("uses integrations.email.from when digest.from is absent", async () => {
    await sendDigest(digestDeps(host({})), windowOf(new Date("2025-03-01T00:00:00.000Z")));
    expect(smtp.messages[0]?.envelope.from).toBe("agent@example.test");
    expect(smtp.messages[0]?.parsed.text).toContain("No tasks finished in this window.");
  });

  it("explains what to configure when email or recipients are missing", async () => {
    const window = windowOf(new Date("2025-03-01T00:00:00.000Z"));
    const noEmail = sendDigest(digestDeps(host({}, null)), window);
    await expect(noEmail).rejects.toBeInstanceOf(ConfigError);
    await expect(noEmail).rejects.toThrow("no [integrations.email] configured: add host, user, password, from");
    await expect(sendDigest(digestDeps(host({ to: [] })), window)).rejects.toThrow('digest.to is empty: add the recipients, e.g. to = ["you@example.com"]');
    await expect(startDigestScheduler(host({ enabled: true }, null))).rejects.toThrow("no [integrations.email] configured");
    expect(smtp.messages).toEqual([]);
  });

  it("reports a wrong SMTP password with the setting to check", async () => {
    const attempt = sendDigest(digestDeps(host({}, { password: "wrong" })), windowOf(new Date("2025-03-01T00:00:00.000Z")));
    await expect(attempt).rejects.toThrow(/check integrations\.email\.user and integrations\.email\.password/);
  });

  it("the hub's scheduler sends the missed slot once at startup, and not again after a restart", async () => {
    expect(await startDigestScheduler(host({ enabled: false }))).toBeUndefined();
    const first = await startDigestScheduler(host({ enabled: true, schedule: "0 0 1 1 *" }));
    await waitFor(() => smtp.messages.length === 1, 5000, "the catch-up digest");
    await first?.stop();
    const key = smtp.messages[0]?.parsed.headers.get("x-openkoi-digest");
    expect(key).toBe(`${new Date().getUTCFullYear()}-01-01T00:00:00.000Z`);

    const second = await startDigestScheduler(host({ enabled: true, schedule: "0 0 1 1 *" }));
    expect(await second?.runDue()).toMatchObject({ status: "already_sent" });
    await second?.stop();
    expect(smtp.messages).toHaveLength(1);
  });
});
