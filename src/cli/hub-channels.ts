import type { Config } from "../config/schema.js";

export interface HubChannelCheck {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

interface ChannelView {
  state: string;
  since: string;
  failures: number;
  last_error: string | null;
  fix?: string;
}

/** `doctor`: the channel states of a hub already running at [api] host:port (none when no hub answers). */
export async function runningHubChannels(config: Config): Promise<HubChannelCheck[]> {
  const host = config.api.host.includes(":") ? `[${config.api.host}]` : config.api.host;
  const url = `http://${host}:${config.api.port}/api/v1/status`;
  let body: { channels?: Record<string, ChannelView> };
  try {
    const res = await fetch(url, { headers: config.api.token ? { authorization: `Bearer ${config.api.token}` } : {}, signal: AbortSignal.timeout(1000) });
    if (!res.ok) return [];
    body = (await res.json()) as typeof body;
  } catch {
    return [];
  }
  return Object.entries(body.channels ?? {}).map(([name, c]): HubChannelCheck => {
    const attempts = c.failures > 1 ? `, ${c.failures} failed attempts` : "";
    const error = c.last_error ? `: ${c.last_error}` : "";
    const retried = c.state === "degraded" ? " (the hub retries it)" : "";
    return { name: `hub channel ${name}`, ok: c.state === "ok", detail: `${c.state} since ${c.since}${attempts}${retried}${error}`, fix: c.fix };
  });
}
