/** One platform-neutral message; each channel renders it natively (Block Kit, embeds, Adaptive Cards, HTML). */
export type MessageStatus = "running" | "passed" | "failed" | "cancelled";

/** The original's colours. */
export const STATUS_COLORS: Record<MessageStatus, string> = {
  running: "#f2c744",
  passed: "#36a64f",
  failed: "#cc0000",
  cancelled: "#cc0000",
};

export interface RichMessage {
  title: string;
  status: MessageStatus;
  /** One short line under the title, e.g. "iteration 2/3 · correctness 9.1 · safety 9.4 · $0.04". */
  progress?: string;
  fields: Array<{ label: string; value: string }>;
  sections: Array<{ kind: "text" | "code"; text: string }>;
  buttons: Array<{ id: string; label: string; value: string; style?: "danger" | "primary" }>;
  /** Plain-text fallback (notifications, screen readers, platforms without rich layout). */
  fallback: string;
}

export function colorOf(message: Pick<RichMessage, "status">): string {
  return STATUS_COLORS[message.status];
}
