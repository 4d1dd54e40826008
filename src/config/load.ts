import { existsSync, readFileSync } from "node:fs";
import { ConfigError } from "../core/errors.js";
import type { Secret } from "../core/redact.js";
import { type Config, configSchema } from "./schema.js";

const ENV_REF = /\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The `{env:NAME}` values each loaded config was resolved with: the redactor's first source of secrets. */
const resolvedValues = new WeakMap<Config, Secret[]>();

/** The values substituted for `{env:NAME}` while this config was parsed (none for a config built by hand). */
export function envSecrets(config: Config): Secret[] {
  return resolvedValues.get(config) ?? [];
}

/** Replaces `{env:NAME}` in every string; an unset variable is a problem named by its config path. Records each value in `found`. */
export function resolveEnvRefs(value: unknown, env: NodeJS.ProcessEnv, path: string[], problems: string[], found: Secret[] = []): unknown {
  if (typeof value === "string") {
    return value.replace(ENV_REF, (_, name: string) => {
      const resolved = env[name];
      if (resolved === undefined) problems.push(`${path.join(".")}: environment variable ${name} is not set`);
      else found.push({ name, value: resolved });
      return resolved ?? "";
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => resolveEnvRefs(item, env, [...path, String(i)], problems, found));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveEnvRefs(item, env, [...path, key], problems, found)]));
  }
  return value;
}

export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const found: Secret[] = [];
  const resolved = resolveEnvRefs(raw ?? {}, env, [], problems, found);
  const result = configSchema.safeParse(resolved);
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(`${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  if (problems.length > 0 || !result.success) {
    throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join("\n")}`, problems);
  }
  const config = result.data;
  if (env.OPENKOI_MODEL) {
    if (!/^[^/\s]+\/\S+$/.test(env.OPENKOI_MODEL)) {
      throw new ConfigError("Invalid configuration", [`OPENKOI_MODEL: expected provider/model, got "${env.OPENKOI_MODEL}"`]);
    }
    config.models.executor = env.OPENKOI_MODEL;
  }
  resolvedValues.set(config, found);
  return config;
}

/** Loads config.toml if it exists; no file means all defaults. */
export async function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  if (!existsSync(file)) return parseConfig({}, env);
  const { parse } = await import("smol-toml");
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, "utf8"));
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new ConfigError(`Invalid configuration in ${file}`, [`${file}: ${message}`]);
  }
  return parseConfig(raw, env);
}
