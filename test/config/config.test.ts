import { readFileSync } from "node:fs";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { resolvePaths } from "../../src/config/paths.js";
import { ConfigError } from "../../src/core/errors.js";

describe("configuration", () => {
  it("config.example.toml is valid and equals the defaults", () => {
    const example = parseConfig(parse(readFileSync(new URL("../../config.example.toml", import.meta.url), "utf8")), {});
    expect(example).toEqual(parseConfig({}, {}));
    expect(example.iteration).toMatchObject({ max_iterations: 3, quality_threshold: 0.8, token_budget: 200_000, timeout_seconds: 300 });
    expect(example.safety).toMatchObject({ max_cost_usd: 2, regression_threshold: 0.2, tool_loop: { warning: 10, critical: 20, circuit_breaker: 30 } });
    expect(example.api).toMatchObject({ host: "127.0.0.1", port: 9742 });
  });

  it("resolves {env:NAME} and reports every problem as path: message", () => {
    const ok = parseConfig({ api: { token: "{env:TOKEN}" } }, { TOKEN: "abc" });
    expect(ok.api.token).toBe("abc");
    try {
      parseConfig({ iteration: { max_iterations: 99 }, api: { token: "{env:MISSING}" }, bogus: 1 }, {});
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems;
      expect(problems).toContain("api.token: environment variable MISSING is not set");
      expect(problems.some((p) => p.startsWith("iteration.max_iterations:"))).toBe(true);
      expect(problems.some((p) => p.includes("bogus"))).toBe(true);
    }
  });

  it("accepts partial tables (missing keys take defaults) and OPENKOI_MODEL", () => {
    const config = parseConfig({ iteration: { max_iterations: 5 } }, { OPENKOI_MODEL: "groq/llama-3.3-70b-versatile" });
    expect(config.iteration).toMatchObject({ max_iterations: 5, quality_threshold: 0.8 });
    expect(config.models.executor).toBe("groq/llama-3.3-70b-versatile");
    expect(() => parseConfig({}, { OPENKOI_MODEL: "nope" })).toThrow(ConfigError);
  });

  it("derives paths from OPENKOI_HOME, OPENKOI_CONFIG and OPENKOI_DATA", () => {
    expect(resolvePaths({ OPENKOI_HOME: "/h" })).toMatchObject({
      configFile: "/h/config.toml",
      dataDir: "/h/data",
      database: "/h/data/openkoi.db",
      stateDir: "/h/state",
    });
    expect(resolvePaths({ OPENKOI_HOME: "/h", OPENKOI_CONFIG: "/c.toml", OPENKOI_DATA: "/d" })).toMatchObject({ configFile: "/c.toml", dataDir: "/d" });
    expect(resolvePaths({ HOME: "/u" }).dataDir).toMatch(/\.local\/share\/openkoi$/);
  });
});
