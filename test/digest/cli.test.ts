/** `openkoi digest` against the BUILT CLI (run `npm run build` first) with a seeded OPENKOI_HOME. */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/index.js";
import { type SmtpFake, startSmtpFake } from "../fakes/smtp.js";
import { cleanEnv, runCli } from "../helpers/cli.js";
import { FAILED_TASK, GITHUB_TASK, OUTSIDE_TASK, SLACK_TASK, seedDigest, seedProposals } from "./seed.js";

let smtp: SmtpFake;
const homes: string[] = [];

beforeAll(async () => {
  smtp = await startSmtpFake({ user: "bot", pass: "pw" });
});
afterAll(async () => {
  await smtp.close();
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});
beforeEach(() => {
  smtp.messages.splice(0);
});

/** The current month's slot of a monthly schedule: a window that does not move while the test runs. */
function monthSlot(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

function seededHome(options: { email: boolean }): Record<string, string> {
  const env = cleanEnv({});
  const home = env.OPENKOI_HOME as string;
  homes.push(dirname(home));
  const email = `[integrations.email]\nhost = "127.0.0.1"\nport = ${smtp.port}\ntls = "none"\nuser = "bot"\npassword = "{env:SMTP_PASSWORD}"\nfrom = "openkoi <agent@example.test>"\n`;
  const config = `[digest]\nschedule = "0 0 1 * *"\ntimezone = "UTC"\nsince_hours = 24\nto = ["lead@example.test"]\n\n${options.email ? email : ""}`;
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, "config.toml"), config);
  const base = new Date(monthSlot().getTime() - 20 * 3_600_000);
  const store = openStore(join(home, "data", "openkoi.db"), { now: () => new Date(base.getTime() + 5 * 3_600_000) });
  seedDigest(store, base);
  store.close();
  seedProposals(home);
  return { ...env, SMTP_PASSWORD: "pw" };
}

describe("openkoi digest (built CLI)", () => {
  it("--preview prints the text digest of the current window", async () => {
    const result = await runCli(["digest", "--preview"], { env: seededHome({ email: false }) });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Subject: openkoi digest \d+ \w+ \d{4}: 3 done, 1 failed, \$0\.8725\n/);
    for (const text of [
      SLACK_TASK,
      GITHUB_TASK,
      FAILED_TASK,
      "https://github.com/acme/api/pull/43",
      "Cost by channel",
      "! cost: Cost at 80%",
      "migration-safety",
    ]) {
      expect(result.stdout).toContain(text);
    }
    expect(result.stdout).not.toContain(OUTSIDE_TASK);
    expect(smtp.messages).toEqual([]);
  });

  it("--preview --html prints escaped HTML", async () => {
    const result = await runCli(["digest", "--preview", "--html"], { env: seededHome({ email: false }) });
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(result.stdout).toContain("&#60;script&#62;");
    expect(result.stdout).not.toContain("<script>");
  });

  it("--send emails the digest once per window; --force sends it again", async () => {
    const env = seededHome({ email: true });
    const first = await runCli(["digest", "--send"], { env });
    expect(first.stderr).toBe("");
    expect(first.stdout).toContain("Sent the digest for");
    expect(first.stdout).toContain("to lead@example.test.");
    expect(first.code).toBe(0);
    expect(smtp.messages.map((m) => m.parsed.subject)).toEqual([expect.stringMatching(/: 3 done, 1 failed, \$0\.8725$/)]);

    const again = await runCli(["digest", "--send"], { env });
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/was already sent at .+: add --force to send it again/);
    expect(smtp.messages).toHaveLength(1);

    const forced = await runCli(["digest", "--send", "--force"], { env });
    expect(forced.code).toBe(0);
    expect(smtp.messages).toHaveLength(2);
  });

  it("explains a missing email integration and a bad invocation (exit 2)", async () => {
    const env = seededHome({ email: false });
    const send = await runCli(["digest", "--send"], { env });
    expect(send.code).toBe(2);
    expect(send.stderr).toContain("no [integrations.email] configured: add host, user, password, from");
    const bare = await runCli(["digest"], { env });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("Usage: openkoi digest --preview [--html]   or   openkoi digest --send [--force]");
    expect(smtp.messages).toEqual([]);
  });
});
