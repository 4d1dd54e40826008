import type { MessageStatus, RichMessage } from "../../core/rich-message.js";

/** Hidden in every comment openkoi writes, so its own comments never trigger it. */
export const MARKER = "<!-- openkoi -->";
/** GitHub's limit on a comment body. */
export const GITHUB_BODY_LIMIT = 65_536;

const EMOJI: Record<MessageStatus, string> = { running: "🟡", passed: "✅", failed: "❌", cancelled: "🛑" };
const CODE = /(```[\s\S]*?(?:```|$)|`[^`\n]*`)/;

/** `@name` → `@\u200dname` outside code, so model output never pings people or teams (or triggers openkoi). */
export function neutraliseMentions(text: string): string {
  return text
    .split(CODE)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/(^|[^\w`])@(?=[A-Za-z0-9])/g, "$1@\u200d")))
    .join("");
}

function cell(text: string): string {
  return neutraliseMentions(text).replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}

function fence(code: string): string {
  const longest = Math.max(2, ...[...code.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = "`".repeat(longest + 1);
  return `${ticks}\n${code}\n${ticks}`;
}

export function clipBody(body: string): string {
  return body.length > GITHUB_BODY_LIMIT ? `${body.slice(0, GITHUB_BODY_LIMIT - 20)}\n\n… [truncated]` : body;
}

/** The tracking comment: status emoji and title, progress, a field table, sections, and how to stop. */
export function renderComment(message: RichMessage, trigger: string, footer?: string): string {
  const lines = [MARKER, `### ${EMOJI[message.status]} ${neutraliseMentions(message.title.replace(/\s+/g, " ").trim())}`];
  if (message.progress) lines.push(`<sub>${cell(message.progress)}</sub>`);
  if (message.fields.length) {
    lines.push("", "| | |", "|---|---|", ...message.fields.map((f) => `| **${cell(f.label)}** | ${cell(f.value)} |`));
  }
  for (const section of message.sections) lines.push("", section.kind === "code" ? fence(section.text) : neutraliseMentions(section.text));
  if (footer) lines.push("", footer);
  if (message.buttons.some((b) => b.id === "openkoi_stop")) lines.push("", `<sub>Reply \`${trigger} stop\` to stop.</sub>`);
  return clipBody(lines.join("\n"));
}

export function renderText(text: string): string {
  return clipBody(`${MARKER}\n${neutraliseMentions(text)}`);
}
