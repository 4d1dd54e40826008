import { accessSync, constants, existsSync, mkdirSync, statSync } from "node:fs";
import { ChannelConfigError } from "../../channels/health.js";
import { loadConfig } from "../../config/load.js";
import { resolvePaths } from "../../config/paths.js";
import type { Config } from "../../config/schema.js";
import { ConfigError, errorMessage } from "../../core/errors.js";
import { formatModelRef } from "../../core/model.js";
import type { ParsedArgs } from "../args.js";
import { EXIT } from "../exit.js";

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

async function timed<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function nodeCheck(): Check {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  const ok = major > 20 || (major === 20 && minor >= 19);
  return { name: "node", ok, detail: `v${process.versions.node}`, fix: ok ? undefined : "install Node.js 20.19 or newer" };
}

function dataDirCheck(dir: string): Check {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    accessSync(dir, constants.W_OK);
    const mode = statSync(dir).mode & 0o077;
    return { name: "data dir", ok: true, detail: `${dir}${mode ? " (readable by others: chmod 700 recommended)" : ""}` };
  } catch (error) {
    return { name: "data dir", ok: false, detail: `${dir}: ${errorMessage(error)}`, fix: "make it writable, or set OPENKOI_DATA to a writable directory" };
  }
}

type Registry = ReturnType<typeof import("../../providers/index.js").createProviderRegistry>;

/** The model every task would use, resolved exactly as a run resolves it (no `-m`: the default), checked against the provider's list. */
async function modelCheck(registry: Registry, config: Config): Promise<Check> {
  try {
    const choice = await registry.chooseModel(config.models.executor);
    const roles = await registry.resolveRoles(choice.ref);
    const detail = Object.entries(roles)
      .map(([role, ref]) => `${role} ${formatModelRef(ref)}`)
      .join(" · ");
    if (choice.verified) return { name: "models", ok: true, detail: `${detail}${choice.note ? ` (${choice.note})` : ""}` };
    return {
      name: "models",
      ok: false,
      detail: `${detail}: not checked, ${choice.ref.provider} did not list its models`,
      fix: `make ${choice.ref.provider} reachable (see its provider line), or name a model it serves in [models].executor`,
    };
  } catch (error) {
    return { name: "models", ok: false, detail: errorMessage(error), fix: "set [models].executor (or -m) to a model an available provider lists" };
  }
}

async function providerChecks(config: Config, paths: ReturnType<typeof resolvePaths>): Promise<Check[]> {
  const { createProviderRegistry } = await import("../../providers/index.js");
  const registry = createProviderRegistry({ config, paths, retry: { maxRetries: 0 } });
  const available = await registry.available();
  if (available.length === 0) {
    return [
      {
        name: "providers",
        ok: false,
        detail: "no model credentials found",
        fix: "set ANTHROPIC_API_KEY or OPENAI_API_KEY (or GROQ_API_KEY, DEEPSEEK_API_KEY, OPENROUTER_API_KEY, …), or start Ollama on localhost:11434",
      },
    ];
  }
  const roles = await modelCheck(registry, config);
  const providers = await Promise.all(
    available.map(async (p): Promise<Check> => {
      try {
        const provider = await registry.get(p.id);
        const models = await timed(provider.listModels(), 5000);
        return { name: `provider ${p.id}`, ok: true, detail: `${p.source}, ${models.length} models at ${p.baseURL}` };
      } catch (error) {
        return {
          name: `provider ${p.id}`,
          ok: false,
          detail: `${p.source}: ${errorMessage(error)}`,
          fix: `check the key from ${p.source} and that ${p.baseURL} is reachable`,
        };
      }
    }),
  );
  return [...providers, roles];
}

async function sandboxCheck(config: Config, paths: ReturnType<typeof resolvePaths>): Promise<Check> {
  const { createSandbox } = await import("../../sandbox/index.js");
  const sandbox = createSandbox({
    mode: config.shell.sandbox,
    bwrapPath: config.shell.bwrap_path,
    hidden: [],
    cloneRoot: paths.dataDir,
    env: {},
    searchPath: process.env.PATH,
  });
  return { name: "sandbox", ...(await sandbox.describe()) };
}

async function channelChecks(config: Config, dataDir: string): Promise<Check[]> {
  const names = Object.keys(config.channels);
  if (names.length === 0) return [];
  const { loadChannel } = await import("../../channels/index.js");
  const inert = {
    dataDir,
    receive: async () => ({ kind: "ignored" as const, reason: "doctor" }),
    cancelTask: () => false,
    taskForMessage: () => undefined,
    activeTaskInThread: () => undefined,
    isEngaged: () => false,
  };
  return Promise.all(
    names.map(async (name): Promise<Check> => {
      try {
        const adapter = await loadChannel(name, config.channels[name as keyof typeof config.channels] ?? {}, (_n, policy) => ({ ...inert, policy }));
        const detail = adapter?.check ? await timed(adapter.check(), 5000) : "configured";
        return { name: `channel ${name}`, ok: true, detail };
      } catch (error) {
        // The same split the hub makes: our configuration (failed, with the fix) or the platform (degraded, retried).
        if (error instanceof ConfigError) {
          const fix = error instanceof ChannelConfigError ? error.fix : `check [channels.${name}] in the config and run openkoi setup ${name}`;
          return { name: `channel ${name}`, ok: false, detail: `failed: ${errorMessage(error)}`, fix };
        }
        return {
          name: `channel ${name}`,
          ok: false,
          detail: `degraded: ${errorMessage(error)}`,
          fix: "the platform is down or unreachable: openkoi serve keeps retrying it; check the channel's api_url and the network",
        };
      }
    }),
  );
}

async function integrationChecks(config: Config): Promise<Check[]> {
  if (Object.keys(config.integrations).length === 0) return [];
  const { loadIntegrations } = await import("../../integrations/index.js");
  let integrations: Awaited<ReturnType<typeof loadIntegrations>>;
  try {
    integrations = await loadIntegrations(config.integrations as Record<string, Record<string, unknown>>);
  } catch (error) {
    return [{ name: "integrations", ok: false, detail: errorMessage(error), fix: "fix the [integrations.*] tables named above" }];
  }
  return Promise.all(
    integrations.map(async (integration): Promise<Check> => {
      try {
        return { name: `integration ${integration.name}`, ok: true, detail: await timed(integration.check(), 5000) };
      } catch (error) {
        return {
          name: `integration ${integration.name}`,
          ok: false,
          detail: errorMessage(error),
          fix: `check the credentials in [integrations.${integration.name}]`,
        };
      }
    }),
  );
}

/** Diagnostics with a fix for every failure; exits 1 when anything failed. */
export async function run(_args: ParsedArgs): Promise<number> {
  const paths = resolvePaths();
  const checks: Check[] = [nodeCheck()];
  let config: Config | undefined;
  try {
    config = await loadConfig(paths.configFile);
    checks.push({ name: "config", ok: true, detail: existsSync(paths.configFile) ? paths.configFile : `${paths.configFile} (absent: defaults)` });
  } catch (error) {
    const problems = (error as { problems?: string[] }).problems ?? [errorMessage(error)];
    checks.push({ name: "config", ok: false, detail: problems.join("; "), fix: `edit ${paths.configFile} (see config.example.toml)` });
  }
  checks.push(dataDirCheck(paths.dataDir));
  try {
    const { openStore } = await import("../../store/index.js");
    openStore(paths.database).close();
    checks.push({ name: "database", ok: true, detail: paths.database });
  } catch (error) {
    checks.push({
      name: "database",
      ok: false,
      detail: errorMessage(error),
      fix: `move ${paths.database} aside if it is corrupt; it is recreated on the next run`,
    });
  }
  if (config) {
    checks.push(
      await sandboxCheck(config, paths),
      ...(await providerChecks(config, paths)),
      ...(await channelChecks(config, paths.dataDir)),
      ...(await integrationChecks(config)),
    );
    const { runningHubChannels } = await import("../hub-channels.js");
    checks.push(...(await runningHubChannels(config)));
  }
  for (const c of checks) {
    process.stdout.write(`${c.ok ? "[ok]  " : "[FAIL]"} ${c.name}: ${c.detail}\n`);
    if (!c.ok && c.fix) process.stdout.write(`       fix: ${c.fix}\n`);
  }
  return checks.every((c) => c.ok) ? EXIT.ok : EXIT.failed;
}
