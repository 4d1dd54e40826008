/**
 * Child abort signals that are released when their work ends.
 *
 * Not `AbortSignal.any`: Node keeps a composite signal that has an abort listener in a process-wide set until it
 * aborts, and the model SDKs never remove the listener they add to the caller's signal per request, so every finished
 * task's composite (and the requests its listeners reach) stayed alive for good. A plain controller hooked to its
 * parent by one listener, removed by `release()`, is collected with its work.
 */
export interface ChildAbort {
  readonly signal: AbortSignal;
  /** Aborts this child (and what listens to it), not the parent. */
  abort(reason: unknown): void;
  /** Unhooks the child from its parent; call it when the work is over. */
  release(): void;
}

export function childAbort(parent: AbortSignal): ChildAbort {
  const controller = new AbortController();
  const follow = () => controller.abort(parent.reason);
  if (parent.aborted) follow();
  else parent.addEventListener("abort", follow, { once: true });
  return {
    signal: controller.signal,
    abort: (reason) => controller.abort(reason),
    release: () => parent.removeEventListener("abort", follow),
  };
}

/** Runs `work` with a child of `parent` that is released afterwards: what `work`'s callee hooks onto it goes with it. */
export async function withChildSignal<T>(parent: AbortSignal, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const child = childAbort(parent);
  try {
    return await work(child.signal);
  } finally {
    child.release();
  }
}
