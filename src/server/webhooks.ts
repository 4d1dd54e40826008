import { createHmac, randomUUID } from "node:crypto";
import { childAbort } from "../core/abort.js";
import type { EventSink, TaskEvent } from "../core/events.js";
import type { Logger } from "../core/logger.js";
import type { WebhookDeliveries } from "../store/index.js";

export interface WebhookConfig {
  on_task_complete?: string;
  on_task_failed?: string;
  on_budget_warning?: string;
  secret?: string;
}

export interface WebhookOptions {
  maxAttempts?: number;
  baseDelayMs?: number;
  timeoutMs?: number;
  /** Known secrets out of the stored delivery (a receiver URL may carry one, as Slack's incoming webhooks do). */
  redact?: (text: string) => string;
}

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

function route(config: WebhookConfig, event: TaskEvent): { name: string; url: string | undefined } | undefined {
  switch (event.type) {
    case "task.completed":
      return { name: "task.completed", url: config.on_task_complete };
    case "task.failed":
    case "task.interrupted":
      return { name: "task.failed", url: config.on_task_failed };
    case "budget.warning":
      return event.kind === "tool_loop" ? undefined : { name: "budget.warning", url: config.on_budget_warning };
    default:
      return undefined;
  }
}

const retryable = (status: number) => status === 429 || status >= 500;

const URL_OF: Record<string, keyof WebhookConfig> = {
  "task.completed": "on_task_complete",
  "task.failed": "on_task_failed",
  "budget.warning": "on_budget_warning",
};

/**
 * Outbound webhooks as an event sink: journaled, HMAC-signed, retried with backoff on 5xx/timeouts,
 * and never awaited by the task (a slow receiver cannot delay it).
 */
export function createWebhookSink(config: WebhookConfig, deliveries: WebhookDeliveries, logger: Logger, options: WebhookOptions = {}) {
  const maxAttempts = options.maxAttempts ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const redact = options.redact ?? ((text: string) => text);
  // A stored URL that was redacted is the configured one: re-send to that, not to the marker.
  const targetOf = (stored: string, name: string) => {
    const configured = URL_OF[name] ? config[URL_OF[name]] : undefined;
    return configured && redact(configured) === stored ? configured : stored;
  };
  const inflight = new Set<Promise<void>>();
  // Shutdown cuts deliveries short (they stay recorded as pending) instead of holding the hub open.
  const closing = new AbortController();

  // Each attempt's signal hangs off `closing` only while the attempt runs: one that stayed hooked on (as an
  // AbortSignal.any composite does) would be a permanent entry on that long-lived signal per delivery.
  async function post(url: string, headers: Record<string, string>, body: string): Promise<number> {
    const attempt = childAbort(closing.signal);
    const timer = setTimeout(() => attempt.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError")), timeoutMs);
    try {
      const res = await fetch(url, { method: "POST", headers, body, signal: attempt.signal });
      await res.body?.cancel();
      return res.status;
    } finally {
      clearTimeout(timer);
      attempt.release();
    }
  }

  /** Waits before a retry; a shutdown ends the wait at once. */
  function backoff(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        closing.signal.removeEventListener("abort", wake);
        resolve();
      }, ms);
      closing.signal.addEventListener("abort", wake, { once: true });
    });
  }

  async function deliver(id: string, url: string, name: string, body: string): Promise<void> {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "user-agent": "openkoi-webhooks",
      "x-openkoi-event": name,
      "x-openkoi-delivery": id,
    };
    if (config.secret) headers["x-openkoi-signature"] = signBody(config.secret, body);
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      let status: number | undefined;
      let error: string | undefined;
      try {
        status = await post(url, headers, body);
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
      const ok = status !== undefined && status >= 200 && status < 300;
      const again = !ok && attempt < maxAttempts && !closing.signal.aborted && (status === undefined || retryable(status));
      deliveries.update(id, { status: ok ? "delivered" : again || closing.signal.aborted ? "pending" : "failed", responseStatus: status, error });
      if (!again) {
        if (!ok && closing.signal.aborted) logger.info(`webhook ${name} to ${url} cut short by shutdown: re-sent at the next start`);
        else if (!ok) logger.warn(`webhook ${name} to ${url} failed after ${attempt} attempt(s): ${error ?? `HTTP ${status}`}`);
        return;
      }
      await backoff(baseDelayMs * 2 ** (attempt - 1));
      if (closing.signal.aborted) return; // left pending: the next start re-sends it
    }
  }

  const sink: EventSink = (event) => {
    const target = route(config, event);
    if (!target?.url) return;
    const { taskId, seq, at, type, ...data } = event;
    const body = JSON.stringify({ event: target.name, timestamp: at, data: { task_id: taskId, seq, type, ...data } });
    const delivery = deliveries.record({ id: randomUUID(), taskId, event: target.name, url: redact(target.url), body });
    start(delivery.id, target.url, target.name, body);
  };

  const start = (id: string, url: string, name: string, body: string) => {
    const promise = deliver(id, url, name, body).finally(() => inflight.delete(promise));
    inflight.add(promise);
  };

  return {
    sink,
    /** The outbox: deliveries a restart cut short are sent again, same id and body (receivers can dedupe). */
    resendPending(): number {
      const pending = deliveries.list({ status: "pending" }).filter((d) => d.body !== undefined);
      for (const d of pending) start(d.id, targetOf(d.url, d.event), d.event, d.body as string);
      return pending.length;
    },
    /** Waits up to `graceMs` for in-flight deliveries, then cuts the rest short (graceful shutdown). */
    async flush(graceMs = 2000): Promise<void> {
      const all = Promise.all([...inflight]);
      const timer = setTimeout(() => closing.abort(), graceMs);
      await all;
      clearTimeout(timer);
    },
  };
}
