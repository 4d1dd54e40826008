import type { MessageStatus, RichMessage } from "../../core/rich-message.js";
import { STOP_ACTION } from "./parse.js";

export const CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";

/** Adaptive Cards have no hex colours: each status maps to the named style/colour closest to STATUS_COLORS. */
const STYLE: Record<MessageStatus, { container: string; color: string }> = {
  running: { container: "warning", color: "Warning" },
  passed: { container: "good", color: "Good" },
  failed: { container: "attention", color: "Attention" },
  cancelled: { container: "attention", color: "Attention" },
};

/**
 * TextBlock and Fact text is Markdown in Teams: a backslash keeps user/model text literal (emphasis, links, code,
 * list markers), and `{{` would start a DATE()/TIME() function, so it is broken with a zero-width space.
 */
export function escapeCardText(text: string): string {
  return text
    .replace(/[\\`*_~[\]()<>#]/g, "\\$&")
    .replace(/^(\s*)([-+])/gm, "$1\\$2")
    .replace(/^(\s*\d+)\./gm, "$1\\.")
    .replace(/\{\{/g, "{\u200b{");
}

type Element = Record<string, unknown>;

/** A single newline does not break a TextBlock line in Teams; a blank line does. */
function textBlock(text: string, extra: Element = {}): Element {
  return { type: "TextBlock", text: escapeCardText(text).replace(/\r?\n/g, "\n\n"), wrap: true, ...extra };
}

/** The task message as an Adaptive Card (schema 1.5, what Teams renders). */
export function renderCard(message: RichMessage): Element {
  const style = STYLE[message.status];
  const header: Element[] = [textBlock(message.title, { weight: "Bolder", size: "Medium", color: style.color })];
  if (message.progress) header.push(textBlock(message.progress, { isSubtle: true, spacing: "None" }));
  const body: Element[] = [{ type: "Container", style: style.container, bleed: true, items: header }];
  if (message.fields.length)
    body.push({ type: "FactSet", facts: message.fields.map((f) => ({ title: escapeCardText(f.label), value: escapeCardText(f.value) })) });
  for (const section of message.sections) {
    body.push(textBlock(section.text, section.kind === "code" ? { fontType: "Monospace", separator: true } : { separator: true }));
  }
  const actions = message.buttons.map((b) => ({
    type: "Action.Submit",
    title: b.label,
    ...(b.style === "danger" ? { style: "destructive" } : b.style === "primary" ? { style: "positive" } : {}),
    data: b.id === STOP_ACTION ? { action: STOP_ACTION, taskId: b.value } : { action: b.id, value: b.value },
  }));
  return {
    type: "AdaptiveCard",
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    version: "1.5",
    fallbackText: message.fallback,
    msteams: { width: "Full" },
    body,
    ...(actions.length ? { actions } : {}),
  };
}

/** The outgoing activity: the card as the only attachment, the fallback as the notification summary. */
export function cardActivity(message: RichMessage): { type: "message"; summary: string; attachments: Array<{ contentType: string; content: Element }> } {
  return { type: "message", summary: message.fallback, attachments: [{ contentType: CARD_CONTENT_TYPE, content: renderCard(message) }] };
}

/** Plain text is sent as `textFormat: "plain"`, so Teams shows it verbatim and nothing needs escaping. */
export function textActivity(text: string): { type: "message"; text: string; textFormat: "plain" } {
  return { type: "message", text, textFormat: "plain" };
}
