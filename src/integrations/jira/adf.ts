/** Atlassian Document Format ↔ plain text, just enough for descriptions and comments. */

export interface AdfNode {
  type: string;
  text?: string;
  attrs?: Record<string, unknown>;
  content?: AdfNode[];
}

export interface AdfDocument {
  type: "doc";
  version: 1;
  content: AdfNode[];
}

/** Blank lines separate paragraphs; single newlines become hard breaks. */
export function textToAdf(text: string): AdfDocument {
  const paragraphs = text
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .filter(Boolean)
    .map((block): AdfNode => {
      const content: AdfNode[] = [];
      for (const [i, line] of block.split("\n").entries()) {
        if (i > 0) content.push({ type: "hardBreak" });
        if (line) content.push({ type: "text", text: line });
      }
      return { type: "paragraph", content };
    });
  return { type: "doc", version: 1, content: paragraphs };
}

const BLOCKS = new Set(["paragraph", "heading", "listItem", "codeBlock", "blockquote", "rule", "tableRow", "panel"]);

function inlineText(node: AdfNode): string {
  if (node.type === "text") return node.text ?? "";
  if (node.type === "hardBreak") return "\n";
  const attr = node.attrs?.text ?? node.attrs?.shortName ?? node.attrs?.url;
  return typeof attr === "string" ? attr : "";
}

/** Plain text of an ADF value (or a legacy string); unknown nodes contribute their children's text. */
export function adfToText(value: unknown): string {
  if (typeof value === "string") return value;
  if (!value || typeof value !== "object") return "";
  const node = value as AdfNode;
  if (!node.content) return inlineText(node);
  const inner = node.content.map(adfToText).join("");
  const prefix = node.type === "listItem" ? "- " : "";
  return BLOCKS.has(node.type) ? `${prefix}${inner.trimEnd()}\n` : inner;
}
