import { colorOf, type RichMessage } from "../../core/rich-message.js";
import { chunkText } from "../chunk.js";
import { escapeMrkdwn, toMrkdwn } from "./mrkdwn.js";

/** Slack's per-block limits (Block Kit reference). */
export const SECTION_TEXT_LIMIT = 3000;
const HEADER_LIMIT = 150;
const FIELD_LIMIT = 2000;
const FIELDS_PER_SECTION = 10;
const MAX_BLOCKS = 50;

export type Block = Record<string, unknown>;

/**
 * What `chat.postMessage` / `chat.update` take. Title and progress are top-level blocks (so `text` is only the
 * notification fallback, not shown twice); the details sit in one attachment, whose colour bar shows the status.
 */
export interface SlackMessageBody {
  text: string;
  blocks: Block[];
  attachments: Array<{ color: string; fallback: string; blocks: Block[] }>;
}

const mrkdwn = (text: string) => ({ type: "mrkdwn", text });
const clip = (text: string, limit: number) => (text.length > limit ? `${text.slice(0, limit - 1)}…` : text);

/** Escaped mrkdwn pieces that each fit a section; halves the cut while escaping makes a piece too long. */
export function sectionTexts(text: string, kind: "text" | "code", limit = SECTION_TEXT_LIMIT): string[] {
  const render = (piece: string) => (kind === "code" ? `\`\`\`${escapeMrkdwn(piece)}\`\`\`` : toMrkdwn(piece));
  for (let cut = limit - 6; cut >= 16; cut = Math.floor(cut / 2)) {
    const pieces = chunkText(text, cut).map(render);
    if (pieces.every((p) => p.length <= limit)) return pieces;
  }
  return chunkText(escapeMrkdwn(text), limit - 6);
}

function fieldBlocks(fields: RichMessage["fields"]): Block[] {
  const blocks: Block[] = [];
  for (let i = 0; i < fields.length; i += FIELDS_PER_SECTION) {
    const group = fields.slice(i, i + FIELDS_PER_SECTION);
    blocks.push({ type: "section", fields: group.map((f) => mrkdwn(clip(`*${escapeMrkdwn(f.label)}*\n${escapeMrkdwn(f.value)}`, FIELD_LIMIT))) });
  }
  return blocks;
}

function buttonBlock(buttons: RichMessage["buttons"]): Block[] {
  if (buttons.length === 0) return [];
  const elements = buttons.map((b) => ({
    type: "button",
    action_id: b.id,
    text: { type: "plain_text", text: clip(b.label, 75), emoji: true },
    value: b.value,
    ...(b.style ? { style: b.style } : {}),
  }));
  return [{ type: "actions", elements }];
}

/** The RichMessage as Block Kit: header, progress context, fields, text/code sections, Stop button, status colour. */
export function renderMessage(message: RichMessage): SlackMessageBody {
  const head: Block[] = [{ type: "header", text: { type: "plain_text", text: clip(message.title, HEADER_LIMIT), emoji: true } }];
  if (message.progress) head.push({ type: "context", elements: [mrkdwn(escapeMrkdwn(message.progress))] });
  const body: Block[] = [...fieldBlocks(message.fields)];
  for (const section of message.sections) {
    for (const text of sectionTexts(section.text, section.kind)) body.push({ type: "section", text: mrkdwn(text) });
  }
  const tail = buttonBlock(message.buttons);
  const room = MAX_BLOCKS - head.length - tail.length;
  const details = [...(body.length > room ? [...body.slice(0, room - 1), { type: "context", elements: [mrkdwn("_(truncated)_")] }] : body), ...tail];
  const fallback = clip(message.fallback, 3000);
  return { text: fallback, blocks: head, attachments: [{ color: colorOf(message), fallback, blocks: details }] };
}
