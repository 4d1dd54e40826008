import { loadConfig } from "../../config/load.js";
import { resolvePaths } from "../../config/paths.js";
import { UsageError } from "../../core/errors.js";
import type { ParsedArgs } from "../args.js";

type Setup = (config: never, publicUrl: string) => string;

const SETUPS: Record<string, () => Promise<{ setupInstructions: Setup }>> = {
  slack: () => import("../../channels/slack/setup.js") as Promise<{ setupInstructions: Setup }>,
  discord: () => import("../../channels/discord/setup.js") as Promise<{ setupInstructions: Setup }>,
  teams: () => import("../../channels/teams/setup.js") as Promise<{ setupInstructions: Setup }>,
  telegram: () => import("../../channels/telegram/setup.js") as Promise<{ setupInstructions: Setup }>,
  github: () => import("../../channels/github/setup.js") as Promise<{ setupInstructions: Setup }>,
};

/** `openkoi setup <channel>`: prints the platform-side step (manifest, registration, webhook) for this hub's URL. */
export async function run(args: ParsedArgs): Promise<number> {
  const name = args.positionals[0];
  const load = name ? SETUPS[name] : undefined;
  if (!name || !load) throw new UsageError(`Usage: openkoi setup ${Object.keys(SETUPS).join("|")} [--url https://your-hub.example.com]`);
  const config = await loadConfig(resolvePaths().configFile);
  const publicUrl = typeof args.flags.url === "string" ? args.flags.url.replace(/\/$/, "") : `http://${config.api.host}:${config.api.port}`;
  const { setupInstructions } = await load();
  process.stdout.write(`${setupInstructions((config.channels[name as keyof typeof config.channels] ?? {}) as never, publicUrl)}\n`);
  return 0;
}
