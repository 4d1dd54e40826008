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
