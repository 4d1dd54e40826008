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

export async function loadChannels(
  configs: Record<string, Record<string, unknown>>,
  contextFor: (name: string, policy: ChannelPolicy) => ChannelContext,
  logger: Logger,
): Promise<ChannelAdapter[]> {
  const adapters: ChannelAdapter[] = [];
  for (const [name, raw] of Object.entries(configs)) {
    const load = FACTORIES[name];
    if (!load) continue;
    const { createChannel, policyDefaults } = await load();
    adapters.push(await createChannel(raw, contextFor(name, parsePolicy({ ...policyDefaults, ...raw }))));
    logger.info(`channel ${name} ready`);
  }
  return adapters;
}
