import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { ConfigError } from "../../src/core/errors.js";

function problems(raw: unknown): string[] {
  try {
    parseConfig(raw, {});
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("[digest] config", () => {
  it("is off by default, daily at 08:00 over the last 24 hours", () => {
    expect(parseConfig({}, {}).digest).toEqual({ enabled: false, schedule: "0 8 * * *", to: [], since_hours: 24 });
  });

  it("names the bad field and says what is expected", () => {
    expect(problems({ digest: { to: ["not-an-address"], timezone: "Mars/Base", since_hours: 0, cron: "x" } })).toEqual([
      'digest.to.0: expected an email address, e.g. to = ["you@example.com"]',
      "digest.since_hours: Too small: expected number to be >0",
      'digest.timezone: expected an IANA time zone, e.g. "Europe/Berlin"',
      'digest: Unrecognized key: "cron"',
    ]);
  });
});
