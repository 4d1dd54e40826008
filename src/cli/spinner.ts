/** One status line that moves while nothing else does: a spinner, what is happening and the time since the task began. */
import { CLEAR_LINE } from "./ansi.js";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export interface Ticker {
  every(ms: number, tick: () => void): () => void;
}

export const realTicker: Ticker = {
  every(ms, tick) {
    const timer = setInterval(tick, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

export interface SpinnerOptions {
  write(text: string): void;
  now?: () => number;
  ticker?: Ticker;
  intervalMs?: number;
  dim?: (text: string) => string;
}

export interface Spinner {
  /** Prints `text` (if any) above the spinner line, then redraws it saying `status` (if given: it starts the spinner and its clock). */
  show(text: string | undefined, status: string | undefined): void;
  /** Erases the spinner line for good. */
  stop(): void;
}

export function createSpinner(options: SpinnerOptions): Spinner {
  const now = options.now ?? Date.now;
  const dim = options.dim ?? ((text: string) => text);
  let label: string | undefined;
  let startedAt = 0;
  let frame = 0;
  let cancel: (() => void) | undefined;
  const line = () => `${FRAMES[frame % FRAMES.length]} ${label} ${dim(`· ${((now() - startedAt) / 1000).toFixed(1)}s`)}`;
  const start = () => {
    startedAt = now();
    cancel = (options.ticker ?? realTicker).every(options.intervalMs ?? 100, () => {
      frame += 1;
      options.write(`${CLEAR_LINE}${line()}`);
    });
  };
  return {
    show(text, status) {
      if (text === undefined && status === undefined) return;
      if (status !== undefined && label === undefined) start();
      if (status !== undefined) label = status;
      if (label === undefined) return void (text && options.write(text));
      options.write(`${CLEAR_LINE}${text ?? ""}${line()}`);
    },
    stop() {
      cancel?.();
      cancel = undefined;
      if (label !== undefined) options.write(CLEAR_LINE);
      label = undefined;
    },
  };
}
