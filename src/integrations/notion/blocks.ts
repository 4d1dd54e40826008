/** Markdown-ish text ⇄ Notion blocks. Pure: no SDK at runtime, only its request types. */
import type { BlockObjectRequest } from "@notionhq/client";

type CodeLanguage = Extract<BlockObjectRequest, { code: unknown }>["code"]["language"];
type RichText = Array<{ type: "text"; text: { content: string } }>;

/** Notion caps one text item at 2000 characters and one block's rich_text at 100 items. */
const TEXT_ITEM_MAX = 2000;
const RICH_TEXT_ITEMS_MAX = 100;
/** Notion accepts at most 100 children per create/append request. */
export const BLOCKS_PER_REQUEST = 100;

const LANGUAGES = new Set<string>([
  "bash",
  "c",
  "c#",
  "c++",
  "css",
  "diff",
  "docker",
  "go",
  "graphql",
  "html",
  "java",
  "javascript",
  "json",
  "kotlin",
  "markdown",
  "python",
  "ruby",
  "rust",
  "shell",
  "sql",
  "swift",
  "typescript",
  "xml",
  "yaml",
]);
const LANGUAGE_ALIASES: Record<string, string> = {
  sh: "shell",
  zsh: "shell",
  js: "javascript",
  ts: "typescript",
  py: "python",
  rb: "ruby",
  rs: "rust",
  yml: "yaml",
  md: "markdown",
  cpp: "c++",
  csharp: "c#",
  dockerfile: "docker",
};

function richText(text: string): RichText {
  const items: RichText = [];
  for (let i = 0; i < text.length && items.length < RICH_TEXT_ITEMS_MAX; i += TEXT_ITEM_MAX) {
    items.push({ type: "text", text: { content: text.slice(i, i + TEXT_ITEM_MAX) } });
  }
  return items;
}

function codeLanguage(tag: string): CodeLanguage {
  const lower = tag.trim().toLowerCase();
  const name = LANGUAGE_ALIASES[lower] ?? lower;
  return (LANGUAGES.has(name) ? name : "plain text") as CodeLanguage;
}

function headingBlock(level: number, text: RichText): BlockObjectRequest {
  if (level === 1) return { type: "heading_1", heading_1: { rich_text: text } };
  if (level === 2) return { type: "heading_2", heading_2: { rich_text: text } };
  return { type: "heading_3", heading_3: { rich_text: text } };
}

function lineBlock(line: string): BlockObjectRequest | undefined {
  const heading = line.match(/^(#{1,6})\s+(.*)$/);
  if (heading) return headingBlock(heading[1]?.length ?? 1, richText(heading[2] ?? ""));
  const todo = line.match(/^[-*+]\s+\[([ xX])\]\s+(.*)$/);
  if (todo) return { type: "to_do", to_do: { rich_text: richText(todo[2] ?? ""), checked: todo[1] !== " " } };
  if (/^(-{3,}|\*{3,}|_{3,})$/.test(line)) return { type: "divider", divider: {} };
  const bullet = line.match(/^[-*+]\s+(.*)$/);
  if (bullet) return { type: "bulleted_list_item", bulleted_list_item: { rich_text: richText(bullet[1] ?? "") } };
  const numbered = line.match(/^\d+[.)]\s+(.*)$/);
  if (numbered) return { type: "numbered_list_item", numbered_list_item: { rich_text: richText(numbered[1] ?? "") } };
  const quote = line.match(/^>\s?(.*)$/);
  if (quote) return { type: "quote", quote: { rich_text: richText(quote[1] ?? "") } };
  return undefined;
}

/** Converts markdown-ish text to blocks: headings, lists, to-dos, quotes, dividers, fenced code, paragraphs. */
export function textToBlocks(text: string): BlockObjectRequest[] {
  const blocks: BlockObjectRequest[] = [];
  let paragraph: string[] = [];
  let code: { language: string; lines: string[] } | undefined;
  const flushParagraph = () => {
    if (paragraph.length > 0) blocks.push({ type: "paragraph", paragraph: { rich_text: richText(paragraph.join("\n")) } });
    paragraph = [];
  };
  const flushCode = (open: { language: string; lines: string[] }) => {
    blocks.push({ type: "code", code: { rich_text: richText(open.lines.join("\n")), language: codeLanguage(open.language) } });
  };
  for (const raw of text.replace(/\r\n?/g, "\n").split("\n")) {
    const line = raw.trim();
    if (code && line.startsWith("```")) {
      flushCode(code);
      code = undefined;
    } else if (code) code.lines.push(raw);
    else if (line.startsWith("```")) {
      flushParagraph();
      code = { language: line.slice(3), lines: [] };
    } else if (line === "") flushParagraph();
    else {
      const block = lineBlock(line);
      if (!block) paragraph.push(line);
      else {
        flushParagraph();
        blocks.push(block);
      }
    }
  }
  if (code) flushCode(code);
  flushParagraph();
  return blocks;
}

/** Splits blocks into request-sized batches. */
export function batches<T>(items: T[], size = BLOCKS_PER_REQUEST): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The structural subset of a Notion block response this module reads. */
export interface BlockLike {
  id: string;
  type?: string;
  has_children?: boolean;
  [key: string]: unknown;
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
}

export function plainText(items: unknown): string {
  if (!Array.isArray(items)) return "";
  return items.map((item) => String(record(item).plain_text ?? record(record(item).text).content ?? "")).join("");
}

function mediaUrl(data: Record<string, unknown>): string {
  return String(data.url ?? record(data.external).url ?? record(data.file).url ?? "");
}

/** One block as one markdown-ish line (children are rendered by the caller, indented). */
export function blockToText(block: BlockLike): string {
  const type = block.type ?? "unsupported";
  const data = record(block[type]);
  const text = plainText(data.rich_text);
  switch (type) {
    case "paragraph":
      return text;
    case "heading_1":
      return `# ${text}`;
    case "heading_2":
      return `## ${text}`;
    case "heading_3":
      return `### ${text}`;
    case "bulleted_list_item":
      return `- ${text}`;
    case "numbered_list_item":
      return `1. ${text}`;
    case "to_do":
      return `- [${data.checked ? "x" : " "}] ${text}`;
    case "toggle":
      return `- ${text}`;
    case "quote":
      return `> ${text}`;
    case "callout":
      return `> ${text}`;
    case "code":
      return `\`\`\`${data.language === "plain text" ? "" : String(data.language ?? "")}\n${text}\n\`\`\``;
    case "divider":
      return "---";
    case "equation":
      return `$$ ${String(data.expression ?? "")} $$`;
    case "child_page":
      return `[page: ${String(data.title ?? "")}] (id ${block.id})`;
    case "child_database":
      return `[database: ${String(data.title ?? "")}] (id ${block.id})`;
    case "table_row":
      return `| ${(Array.isArray(data.cells) ? data.cells : []).map(plainText).join(" | ")} |`;
    case "bookmark":
    case "embed":
    case "link_preview":
    case "image":
    case "video":
    case "pdf":
    case "file":
    case "audio":
      return `[${type}: ${mediaUrl(data)}]${plainText(data.caption) ? ` ${plainText(data.caption)}` : ""}`;
    default:
      return text || `[${type}]`;
  }
}
