import { AsyncLocalStorage } from "node:async_hooks";

const muted = new AsyncLocalStorage<boolean>();
let installed = false;

/**
 * Runs `fn` with botbuilder's own `console.error` calls inside it dropped. Its JwtTokenExtractor prints the whole
 * signing key (about ten lines of PEM) for every token that fails verification, and an expired token's stack: a
 * forged request would cost ten lines of noise. We log one line ourselves instead. The filter is scoped by
 * AsyncLocalStorage, so console.error from anything else, concurrent requests included, prints as before.
 */
export function withoutConsoleErrors<T>(fn: () => Promise<T>): Promise<T> {
  if (!installed) {
    const original = console.error.bind(console);
    console.error = (...args: unknown[]) => {
      if (muted.getStore() !== true) original(...args);
    };
    installed = true;
  }
  return muted.run(true, fn);
}
