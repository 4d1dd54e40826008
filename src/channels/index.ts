import type { Logger } from "../core/logger.js";
import { type ChannelPolicy, parsePolicy } from "./policy.js";
import type { ChannelAdapter, ChannelContext, ChannelFactory } from "./types.js";

/** The lazy registry: a channel's module (and its SDK) is imported only when `[channels.<name>]` exists. */
const FACTORIES: Record<string, () => Promise<{ createChannel: ChannelFactory; policyDefaults?: Record<string, unknown> }>> = {
  slack: () => import("./slack/index.js"),
  discord: () => import("./discord/index.js"),
  teams: () => import("./teams/index.js"),
  telegram: () => import("./telegram/index.js"),
  github: () => import("./github/index.js"),
};

export const CHANNEL_NAMES = Object.keys(FACTORIES);

/** Builds one channel's adapter (no connection yet); undefined for a name the registry does not know. */
export async function loadChannel(
  name: string,
  raw: Record<string, unknown>,
  contextFor: (name: string, policy: ChannelPolicy) => ChannelContext,
): Promise<ChannelAdapter | undefined> {
  const load = FACTORIES[name];
  if (!load) return undefined;
  const { createChannel, policyDefaults } = await load();
  return createChannel(raw, contextFor(name, parsePolicy({ ...policyDefaults, ...raw })));
}

export async function loadChannels(
  configs: Record<string, Record<string, unknown>>,
  contextFor: (name: string, policy: ChannelPolicy) => ChannelContext,
  logger: Logger,
): Promise<ChannelAdapter[]> {
  const adapters: ChannelAdapter[] = [];
  for (const [name, raw] of Object.entries(configs)) {
    const adapter = await loadChannel(name, raw, contextFor);
    if (!adapter) continue;
    adapters.push(adapter);
    logger.info(`channel ${name} ready`);
  }
  return adapters;
}
