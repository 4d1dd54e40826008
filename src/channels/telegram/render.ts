import type { InlineKeyboardMarkup } from "grammy/types";
import type { MessageStatus, RichMessage } from "../../core/rich-message.js";

/** Telegram's limit on a message's text after entity parsing (tags do not count). */
export const TEXT_LIMIT = 4096;
const CALLBACK_DATA_BYTES = 64;

export const STATUS_EMOJI: Record<MessageStatus, string> = { running: "🟡", passed: "✅", failed: "❌", cancelled: "🛑" };

export interface TelegramRender {
  /** Telegram HTML (parse_mode "HTML"). */
  text: string;
  /** Always present, so an edit removes the Stop button once the task is over. */
  reply_markup: InlineKeyboardMarkup;
}

/** Telegram HTML needs only these three escaped in text (the original's bug was unescaped MarkdownV2). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** What the user sees once Telegram has parsed the HTML: tags dropped, each entity one character. */
export function visibleLength(html: string): number {
  return html.replace(/<[^>]*>/g, "").replace(/&(?:amp|lt|gt|quot);/g, "_").length;
}

/** Cuts at `max` UTF-16 units without splitting a surrogate pair. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** Model text → Telegram HTML: ``` fenced blocks become <pre>, everything else is escaped text. */
export function textToHtml(text: string): string {
  return text
    .split("```")
    .map((part, i) => {
      if (i % 2 === 0) return escapeHtml(part);
      const lang = /^([\w+#.-]{1,20})\n/.exec(part);
      const code = (lang ? part.slice(lang[0].length) : part).replace(/^\n|\n$/g, "");
      return lang ? `<pre><code class="language-${lang[1]}">${escapeHtml(code)}</code></pre>` : `<pre>${escapeHtml(code)}</pre>`;
    })
    .join("");
}

function compose(message: RichMessage, sections: string[]): string {
  const lines = [`${STATUS_EMOJI[message.status]} <b>${escapeHtml(cut(message.title, 256))}</b>`];
  if (message.progress) lines.push(`<i>${escapeHtml(message.progress)}</i>`);
  const fields = message.fields.map((f) => `<b>${escapeHtml(f.label)}:</b> ${escapeHtml(f.value)}`);
  const blocks = [lines.join("\n")];
  if (fields.length) blocks.push(fields.join("\n"));
  message.sections.forEach((section, i) => {
    const text = sections[i] ?? "";
    if (text) blocks.push(section.kind === "code" ? `<pre>${escapeHtml(text)}</pre>` : textToHtml(text));
  });
  return blocks.join("\n\n");
}

function keyboard(message: RichMessage): InlineKeyboardMarkup {
  const buttons = message.buttons
    .map((b) => ({ text: b.label, callback_data: `${b.id}:${b.value}` }))
    .filter((b) => Buffer.byteLength(b.callback_data) <= CALLBACK_DATA_BYTES);
  return { inline_keyboard: buttons.length ? [buttons] : [] };
}

/** The largest per-section length that fits `budget` in total, shorter sections kept whole ("water-filling"). */
function fairCap(lengths: number[], budget: number): number {
  const sorted = [...lengths].sort((a, b) => a - b);
  let remaining = Math.max(0, budget);
  for (const [i, length] of sorted.entries()) {
    const share = Math.floor(remaining / (sorted.length - i));
    if (length > share) return share;
    remaining -= length;
  }
  return Number.POSITIVE_INFINITY;
}

/** The RichMessage as one Telegram message: status emoji, bold title, fields as lines, sections, a Stop button. */
export function renderMessage(message: RichMessage, limit = TEXT_LIMIT): TelegramRender {
  const reply_markup = keyboard(message);
  const frame = visibleLength(compose(message, [])) + 3 * message.sections.length; // separators and ellipses
  const cap = fairCap(
    message.sections.map((s) => s.text.length),
    limit - frame,
  );
  const sections = message.sections.map((s) => (s.text.length > cap ? `${cut(s.text, Math.max(0, cap - 1))}…` : s.text));
  // Fences vanish when rendered, so the fair share is conservative; this loop only guards the odd case.
  for (let attempt = 0; attempt < 3; attempt++) {
    const text = compose(message, sections);
    const over = visibleLength(text) - limit;
    if (over <= 0) return { text, reply_markup };
    const longest = sections.reduce((best, s, i) => (s.length > (sections[best]?.length ?? -1) ? i : best), 0);
    const current = sections[longest] ?? "";
    sections[longest] = current.length > over + 1 ? `${cut(current, current.length - over - 1)}…` : "";
  }
  return { text: escapeHtml(cut(message.fallback, limit)), reply_markup };
}
