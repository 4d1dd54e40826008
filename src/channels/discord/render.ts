import { colorOf, type RichMessage } from "../../core/rich-message.js";

/** Discord's limits (characters): message content, embed parts, components. */
export const LIMITS = {
  content: 2000,
  title: 256,
  description: 4096,
  fieldName: 256,
  fieldValue: 1024,
  fields: 25,
  footer: 2048,
  embedTotal: 6000,
  customId: 100,
  label: 80,
} as const;

export interface DiscordEmbed {
  title: string;
  color: number;
  description?: string;
  fields: Array<{ name: string; value: string; inline: boolean }>;
  footer?: { text: string };
}

export interface DiscordButton {
  type: 2;
  style: 1 | 2 | 4;
  label: string;
  custom_id: string;
}

/** What we send in a message create/edit body (also an interaction response's `data`). */
export interface DiscordMessageBody {
  content?: string;
  embeds?: DiscordEmbed[];
  components?: Array<{ type: 1; components: DiscordButton[] }>;
  /** Nothing we send may ping anyone: model output can contain @everyone or <@id>. */
  allowed_mentions: { parse: [] };
  flags?: number;
}

export const NO_MENTIONS = { parse: [] as [] };
export const STOP_ACTION = "openkoi_stop";

/** Escapes user text for places that render markdown (titles, field names and values). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\*_~`|<[\]]/g, "\\$&").replace(/^(\s*)([#>-])/gm, "$1\\$2");
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return max <= 0 ? "" : `${text.slice(0, max - 1)}…`;
}

/** A code block whose own ``` cannot close the fence early. */
function codeBlock(text: string): string {
  return `\`\`\`\n${text.replace(/```/g, "`\u200b``")}\n\`\`\``;
}

/** `openkoi_stop:<taskId>`: the button's id and value in one custom_id. */
export function buttonCustomId(id: string, value: string): string {
  return clip(value ? `${id}:${value}` : id, LIMITS.customId);
}

export function parseCustomId(customId: string): { action: string; value: string } {
  const at = customId.indexOf(":");
  return at < 0 ? { action: customId, value: "" } : { action: customId.slice(0, at), value: customId.slice(at + 1) };
}

/** Whatever fits of the fields, leaving room for the description within the embed's 6000 characters. */
function fitFields(message: RichMessage, budget: number): DiscordEmbed["fields"] {
  const fields: DiscordEmbed["fields"] = [];
  let used = 0;
  for (const f of message.fields.slice(0, LIMITS.fields)) {
    const name = clip(escapeMarkdown(f.label), LIMITS.fieldName) || "\u200b";
    const value = clip(escapeMarkdown(f.value), LIMITS.fieldValue) || "\u200b";
    if (used + name.length + value.length > budget) break;
    used += name.length + value.length;
    fields.push({ name, value, inline: true });
  }
  return fields;
}

const DESCRIPTION_RESERVE = 2000;

function renderEmbed(message: RichMessage): DiscordEmbed {
  const title = clip(escapeMarkdown(message.title), LIMITS.title);
  const footer = message.progress ? clip(message.progress, LIMITS.footer) : undefined;
  const fields = fitFields(message, LIMITS.embedTotal - DESCRIPTION_RESERVE - title.length - (footer?.length ?? 0));
  const used = title.length + (footer?.length ?? 0) + fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
  // Sections are the model's markdown (Discord renders it); code goes in a fence.
  const body = message.sections.map((s) => (s.kind === "code" ? codeBlock(s.text) : s.text)).join("\n\n");
  const description = clip(body, Math.min(LIMITS.description, LIMITS.embedTotal - used));
  return {
    title,
    color: Number.parseInt(colorOf(message).slice(1), 16),
    ...(description ? { description } : {}),
    fields,
    ...(footer ? { footer: { text: footer } } : {}),
  };
}

function renderButtons(message: RichMessage): DiscordMessageBody["components"] {
  const buttons: DiscordButton[] = message.buttons.slice(0, 25).map((b) => ({
    type: 2,
    style: b.style === "danger" ? 4 : b.style === "primary" ? 1 : 2,
    label: clip(b.label, LIMITS.label),
    custom_id: buttonCustomId(b.id, b.value),
  }));
  const rows: Array<{ type: 1; components: DiscordButton[] }> = [];
  for (let i = 0; i < buttons.length; i += 5) rows.push({ type: 1, components: buttons.slice(i, i + 5) });
  return rows;
}

/** The live task message as one embed plus its buttons; an empty components list removes a finished task's Stop. */
export function renderMessage(message: RichMessage): DiscordMessageBody {
  return { embeds: [renderEmbed(message)], components: renderButtons(message), allowed_mentions: NO_MENTIONS };
}

/** Plain content (already within LIMITS.content); markdown is kept, pings are not. */
export function renderText(text: string): DiscordMessageBody {
  return { content: clip(text, LIMITS.content), allowed_mentions: NO_MENTIONS };
}
