import { describe, expect, it } from "vitest";
import { isAllowed, parsePolicy } from "../../src/channels/policy.js";

describe("channel allowlists", () => {
  it("empty lists restrict nothing", () => {
    expect(isAllowed(parsePolicy({}), "anyone", ["anywhere"])).toBe(true);
  });

  it("allow_users admits only the listed users", () => {
    const policy = parsePolicy({ allow_users: ["U1"] });
    expect(isAllowed(policy, "U1", ["C1"])).toBe(true);
    expect(isAllowed(policy, "U2", ["C1"])).toBe(false);
  });

  it("allow_channels admits a message when any of its places is listed", () => {
    const policy = parsePolicy({ allow_channels: ["C1", "G9"] });
    expect(isAllowed(policy, "U1", ["C1"])).toBe(true);
    expect(isAllowed(policy, "U1", ["C2", "G9"])).toBe(true);
    expect(isAllowed(policy, "U1", ["C2"])).toBe(false);
    expect(isAllowed(policy, "U1", [])).toBe(false);
  });

  it("both lists must match when both are set", () => {
    const policy = parsePolicy({ allow_users: ["U1"], allow_channels: ["C1"] });
    expect(isAllowed(policy, "U1", ["C1"])).toBe(true);
    expect(isAllowed(policy, "U1", ["C2"])).toBe(false);
    expect(isAllowed(policy, "U2", ["C1"])).toBe(false);
  });

  it("defaults chat tools to read-only", () => {
    expect(parsePolicy({}).grants).toEqual(["read"]);
  });
});
