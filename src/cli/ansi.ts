/** The few terminal escapes the CLI uses (no dependency): colours, and rewriting the current line. */

export interface Paint {
  green(text: string): string;
  yellow(text: string): string;
  red(text: string): string;
  cyan(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const sgr = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

const COLOURS: Paint = {
  green: sgr(32, 39),
  yellow: sgr(33, 39),
  red: sgr(31, 39),
  cyan: sgr(36, 39),
  dim: sgr(2, 22),
  bold: sgr(1, 22),
};

const identity = (text: string) => text;
const PLAIN: Paint = { green: identity, yellow: identity, red: identity, cyan: identity, dim: identity, bold: identity };

export function createPaint(enabled: boolean): Paint {
  return enabled ? COLOURS : PLAIN;
}

/** A terminal that can redraw a line: not a pipe or file, and not TERM=dumb. */
export function isInteractive(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && env.TERM !== "dumb";
}

/** Colour on an interactive terminal unless NO_COLOR is set to anything non-empty (https://no-color.org). */
export function colourEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return isInteractive(stream, env) && !env.NO_COLOR;
}

/** Back to column 0 and erase the line: where a spinner was, before a line is printed or the spinner redraws. */
export const CLEAR_LINE = "\r\u001b[2K";

/** Text without colour codes (for widths and tests). */
export function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, "");
}
