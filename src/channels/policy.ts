import { z } from "zod";
import type { ToolClass } from "../core/tool.js";

/** Keys every `[channels.<name>]` table shares: who may do what, where, and for how much. */
export const policyShape = {
  allow_users: z.array(z.string()).default([]),
  allow_channels: z.array(z.string()).default([]),
  workspace: z.string().optional(),
  /** Tool classes chat tasks may use; file writes and shell commands are off unless granted. */
  tools: z.array(z.enum(["read", "write", "shell", "network"])).default(["read"]),
  max_cost_usd_per_thread: z.number().positive().optional(),
  max_cost_usd_per_user_per_day: z.number().positive().optional(),
  max_iterations: z.number().int().min(0).max(20).optional(),
  quality_threshold: z.number().min(0).max(1).optional(),
};

export interface ChannelPolicy {
  allowUsers: string[];
  allowChannels: string[];
  workspace?: string;
  grants: ToolClass[];
  maxCostPerThread?: number;
  maxCostPerUserPerDay?: number;
  maxIterations?: number;
  qualityThreshold?: number;
}

export function parsePolicy(raw: unknown): ChannelPolicy {
  const p = z.object(policyShape).parse(raw ?? {});
  return {
    allowUsers: p.allow_users,
    allowChannels: p.allow_channels,
    workspace: p.workspace,
    grants: p.tools,
    maxCostPerThread: p.max_cost_usd_per_thread,
    maxCostPerUserPerDay: p.max_cost_usd_per_user_per_day,
    maxIterations: p.max_iterations,
    qualityThreshold: p.quality_threshold,
  };
}

/** Empty lists mean "no restriction"; a listed user or place must match. */
export function isAllowed(policy: ChannelPolicy, user: string, places: string[]): boolean {
  const userOk = policy.allowUsers.length === 0 || policy.allowUsers.includes(user);
  const placeOk = policy.allowChannels.length === 0 || places.some((p) => policy.allowChannels.includes(p));
  return userOk && placeOk;
}
