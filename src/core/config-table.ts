import type { z } from "zod";
import { ConfigError } from "./errors.js";

/**
 * Validates one table of config.toml that a module owns (`channels.slack`, `integrations.jira`, …) and names every
 * problem by its full path, the same way for every module: `channels.slack.bot_token: Required`.
 */
export function parseConfigTable<T>(path: string, schema: z.ZodType<T>, raw: unknown, extraProblems: (value: T) => string[] = () => []): T {
  const result = schema.safeParse(raw ?? {});
  const problems = result.success
    ? extraProblems(result.data)
    : result.error.issues.map((issue) => `${[path, ...issue.path.map(String)].join(".")}: ${issue.message}`);
  if (result.success && problems.length === 0) return result.data;
  throw new ConfigError(`Invalid [${path}] configuration:\n${problems.map((p) => `  ${p}`).join("\n")}`, problems);
}
