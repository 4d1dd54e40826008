/** The one retry owner for model calls: SDK retries are off (maxRetries: 0), this wrapper decides. */
import { CancelledError, ProviderError } from "../core/errors.js";
import type { ChatOptions, ModelProvider } from "../core/model.js";

export interface RetryInfo {
  operation: "chat" | "listModels";
  provider: string;
  /** 1 for the first retry. */
  attempt: number;
  delayMs: number;
  error: ProviderError;
}

export interface RetryOptions {
  /** Retries after the first attempt (default 8). */
  maxRetries?: number;
  /** Backoff base: baseDelayMs × 2^attempt (default 2000). */
  baseDelayMs?: number;
  /** Backoff cap before jitter (default 30 000). */
  maxDelayMs?: number;
  /** Cap on a server's retry-after (default 60 000). */
  maxRetryAfterMs?: number;
  onRetry?: (info: RetryInfo) => void;
  /** Jitter source in [0, 1); injectable for tests. */
  random?: () => number;
  /** How a wait is spent (default: a timer that the signal interrupts); tests pass one that records and returns. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

type Settings = Required<Omit<RetryOptions, "onRetry">> & Pick<RetryOptions, "onRetry">;

export const RETRY_DEFAULTS = { maxRetries: 8, baseDelayMs: 2000, maxDelayMs: 30_000, maxRetryAfterMs: 60_000 } as const;

const MIN_DELAY_MS = 1;

export function isRetryable(error: unknown): error is ProviderError {
  return error instanceof ProviderError && (error.kind === "retryable" || error.kind === "rate_limited");
}

/** The wait before retry number `attempt + 1`: the server's retry-after if it sent one, else backoff with ±20 % jitter. */
export function retryDelay(attempt: number, error: ProviderError, options: RetryOptions = {}): number {
  const maxRetryAfter = options.maxRetryAfterMs ?? RETRY_DEFAULTS.maxRetryAfterMs;
  if (error.retryAfterMs !== undefined) return Math.min(Math.max(error.retryAfterMs, 0), maxRetryAfter);
  const base = options.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs;
  const capped = Math.min(base * 2 ** attempt, options.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs);
  const jitter = 0.8 + 0.4 * (options.random ?? Math.random)();
  return Math.max(MIN_DELAY_MS, Math.round(capped * jitter));
}

/** Sleeps, waking early with CancelledError when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new CancelledError());
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

async function withAttempts<T>(
  operation: RetryInfo["operation"],
  provider: string,
  settings: Settings,
  signal: AbortSignal | undefined,
  run: () => Promise<T>,
  mayRetry: () => boolean = () => true,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) throw new CancelledError();
    try {
      return await run();
    } catch (error) {
      if (signal?.aborted) throw new CancelledError();
      if (!isRetryable(error) || attempt >= settings.maxRetries || !mayRetry()) throw error;
      const delayMs = retryDelay(attempt, error, settings);
      settings.onRetry?.({ operation, provider, attempt: attempt + 1, delayMs, error });
      await settings.sleep(delayMs, signal);
    }
  }
}

/** A provider whose chat/listModels retry rate_limited and retryable failures; others pass straight through. */
export function withRetry(provider: ModelProvider, options: RetryOptions = {}): ModelProvider {
  const settings: Settings = {
    maxRetries: options.maxRetries ?? RETRY_DEFAULTS.maxRetries,
    baseDelayMs: options.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs,
    maxRetryAfterMs: options.maxRetryAfterMs ?? RETRY_DEFAULTS.maxRetryAfterMs,
    random: options.random ?? Math.random,
    sleep: options.sleep ?? sleep,
    onRetry: options.onRetry,
  };
  return {
    id: provider.id,
    listModels: (signal) => withAttempts("listModels", provider.id, settings, signal, () => provider.listModels(signal)),
    chat(request, chatOptions: ChatOptions = {}) {
      const onText = chatOptions.onText;
      let delivered = false;
      const attemptOptions: ChatOptions = onText
        ? {
            ...chatOptions,
            onText: (delta) => {
              delivered = true;
              onText(delta);
            },
          }
        : chatOptions;
      // Text already shown to the caller cannot be taken back: a stream that dropped after it is not retried.
      const mayRetry = () => !delivered;
      return withAttempts("chat", provider.id, settings, chatOptions.signal, () => provider.chat(request, attemptOptions), mayRetry);
    },
  };
}
