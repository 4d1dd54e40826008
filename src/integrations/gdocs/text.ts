/** Google Docs structure → markdown-ish text, and where "the end of the body" is. Pure, types only. */
import type { docs_v1 } from "@googleapis/docs";

type Element = docs_v1.Schema$StructuralElement;

const HEADINGS: Record<string, string> = {
  TITLE: "# ",
  SUBTITLE: "## ",
  HEADING_1: "# ",
  HEADING_2: "## ",
  HEADING_3: "### ",
  HEADING_4: "#### ",
  HEADING_5: "##### ",
  HEADING_6: "###### ",
};

function paragraphText(paragraph: docs_v1.Schema$Paragraph): string {
  const text = (paragraph.elements ?? []).map((e) => e.textRun?.content ?? "").join("");
  return text.replace(/\n$/, "");
}

function paragraphLine(paragraph: docs_v1.Schema$Paragraph): string {
  const text = paragraphText(paragraph);
  if (!text) return "";
  const style = paragraph.paragraphStyle?.namedStyleType ?? "NORMAL_TEXT";
  const prefix = paragraph.bullet ? `${"  ".repeat(paragraph.bullet.nestingLevel ?? 0)}- ` : (HEADINGS[style] ?? "");
  return prefix + text;
}

function cellText(cell: docs_v1.Schema$TableCell): string {
  return contentLines(cell.content ?? [])
    .join(" ")
    .trim();
}

function contentLines(content: Element[]): string[] {
  const lines: string[] = [];
  for (const element of content) {
    if (element.paragraph) lines.push(paragraphLine(element.paragraph));
    else if (element.table) {
      for (const row of element.table.tableRows ?? []) lines.push(`| ${(row.tableCells ?? []).map(cellText).join(" | ")} |`);
    } else if (element.tableOfContents) lines.push("[table of contents]");
  }
  return lines;
}

/** The body as text: headings as `#`, bullets as `-`, tables as `| a | b |`; runs of blank lines squeezed. */
export function documentToText(document: docs_v1.Schema$Document): string {
  return contentLines(document.body?.content ?? [])
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/**
 * Where appended text goes: just before the body's final newline (the last element's endIndex − 1).
 * `newParagraph` is true when the last paragraph already holds text, so the caller starts a new one.
 */
export function endOfBody(document: docs_v1.Schema$Document): { index: number; newParagraph: boolean } {
  const content = document.body?.content ?? [];
  const last = content.at(-1);
  const index = Math.max(1, (last?.endIndex ?? 2) - 1);
  const newParagraph = last?.paragraph ? paragraphText(last.paragraph) !== "" : last !== undefined && last.sectionBreak === undefined;
  return { index, newParagraph };
}
