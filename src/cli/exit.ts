/** The one exit-code vocabulary of every command (the README's "Exit codes"). */
export const EXIT = {
  /** Done: the threshold was reached (or `-i 0`), or a command succeeded. */
  ok: 0,
  /** Failed or cancelled; a check that did not pass. */
  failed: 1,
  /** A usage or configuration error: nothing was run. */
  usage: 2,
  /** A task finished below the quality threshold. */
  belowThreshold: 3,
  /** `daemon status`: not running (the LSB init-script code, which is also 3). */
  notRunning: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
