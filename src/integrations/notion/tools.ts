import type { BlockObjectRequest, Client } from "@notionhq/client";
import { z } from "zod";
import type { Tool } from "../../core/tool.js";
import { compact, defineTool, type ErrorHints, field, integrationError, type ToolSpec } from "../common.js";
import { type BlockLike, batches, blockToText, plainText, textToBlocks } from "./blocks.js";
import { notionError, notionFailure } from "./client.js";

type GetClient = () => Promise<Client>;

/** Reading a page stops at this many list calls or nesting levels, whatever its size. */
const MAX_LIST_CALLS = 25;
const MAX_DEPTH = 3;
const LIST_LIKE = new Set(["bulleted_list_item", "numbered_list_item", "to_do", "table_row", "toggle"]);

const pageId = z.string().min(1).describe("A Notion page id (with or without dashes) or the page's URL").transform(toNotionId);
const content = z
  .string()
  .min(1)
  .max(200_000)
  .describe("Markdown-ish text: # headings, - bullets, 1. numbered, - [ ] to-dos, > quotes, ``` code fences, --- dividers, blank-line separated paragraphs");

/** Accepts an id or a URL such as https://www.notion.so/Title-0123…cdef?pvs=4; returns the dashed UUID. */
function toNotionId(value: string): string {
  const trimmed = value.trim();
  const match = trimmed.match(/([0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:[?#].*)?$/i);
  const id = match?.[1];
  if (!id) return trimmed;
  const hex = id.replaceAll("-", "").toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function notionTool<I>(spec: Omit<ToolSpec<I>, "onError"> & { hints?: ErrorHints }): Tool<I> {
  const { hints, ...rest } = spec;
  return defineTool({ ...rest, onError: (error) => notionError(error, hints) });
}

export function pageTitle(page: unknown): string {
  const properties = field(page, "properties");
  if (properties && typeof properties === "object") {
    for (const property of Object.values(properties)) {
      if (field(property, "type") === "title") return plainText(field(property, "title")) || "Untitled";
    }
  }
  return plainText(field(page, "title")) || "Untitled";
}

function search(client: GetClient): Tool<{ query: string; limit: number }> {
  return notionTool({
    name: "notion_search",
    description: "Search Notion pages shared with the integration by title. Returns title, id, URL and last edit time per page.",
    class: "read",
    schema: z.strictObject({
      query: z.string().max(500).describe("Words from the page title; empty lists recently edited pages"),
      limit: z.number().int().min(1).max(50).default(10).describe("Maximum results (1-50)"),
    }),
    async run(input) {
      const notion = await client();
      const { results } = await notion.search({ query: input.query, filter: { property: "object", value: "page" }, page_size: input.limit });
      if (results.length === 0) return `No Notion pages match "${input.query}" (only pages shared with the integration are searchable).`;
      const lines = results.map((page) => {
        const edited = String(field(page, "last_edited_time") ?? "").slice(0, 10);
        return `- ${pageTitle(page)} (id ${page.id}) ${String(field(page, "url") ?? "")}${edited ? ` · edited ${edited}` : ""}`;
      });
      return compact(lines.join("\n"), 6000);
    },
  });
}

interface ReadBudget {
  calls: number;
  chars: number;
  truncated: boolean;
}

/** Children of a block as text lines, depth-first; bounded by the budget. */
async function readChildren(notion: Client, blockId: string, depth: number, budget: ReadBudget): Promise<string[]> {
  const lines: string[] = [];
  let cursor: string | undefined;
  let previous = "";
  do {
    if (budget.calls <= 0 || budget.chars <= 0) {
      budget.truncated = true;
      return lines;
    }
    budget.calls -= 1;
    const page = await notion.blocks.children.list({ block_id: blockId, page_size: 100, ...(cursor ? { start_cursor: cursor } : {}) });
    for (const result of page.results) {
      const block = result as unknown as BlockLike;
      const type = block.type ?? "";
      const text = blockToText(block);
      // Blank lines between blocks, except inside a run of list items.
      if (depth === 0 && lines.length > 0 && !(LIST_LIKE.has(type) && LIST_LIKE.has(previous))) lines.push("");
      lines.push("  ".repeat(depth) + text.replaceAll("\n", `\n${"  ".repeat(depth)}`));
      budget.chars -= text.length + 1;
      previous = type;
      if (block.has_children && depth + 1 < MAX_DEPTH && type !== "child_page" && type !== "child_database") {
        lines.push(...(await readChildren(notion, block.id, depth + 1, budget)));
      }
    }
    cursor = page.has_more ? (page.next_cursor ?? undefined) : undefined;
  } while (cursor);
  return lines;
}

function readPage(client: GetClient): Tool<{ page_id: string; max_chars: number }> {
  return notionTool({
    name: "notion_read_page",
    description: "Read a Notion page as markdown-ish text: title, URL, then paragraphs, headings, lists, to-dos, quotes and code.",
    class: "read",
    schema: z.strictObject({
      page_id: pageId,
      max_chars: z.number().int().min(500).max(50_000).default(12_000).describe("Cut the text at this length"),
    }),
    async run(input) {
      const notion = await client();
      const page = await notion.pages.retrieve({ page_id: input.page_id });
      const budget: ReadBudget = { calls: MAX_LIST_CALLS, chars: input.max_chars, truncated: false };
      const lines = await readChildren(notion, input.page_id, 0, budget);
      const body = lines.join("\n").trim() || "(empty page)";
      const more = budget.truncated ? "\n… [page longer than shown; raise max_chars to read more]" : "";
      return compact(`# ${pageTitle(page)}\n${String(field(page, "url") ?? "")}\n\n${body}`, input.max_chars) + more;
    },
  });
}

/** Appends blocks in request-sized batches; on a failure, says how many got in. */
async function appendAll(notion: Client, blockId: string, blocks: BlockObjectRequest[], alreadyIn = 0): Promise<string | undefined> {
  let done = alreadyIn;
  const total = alreadyIn + blocks.length;
  for (const batch of batches(blocks)) {
    try {
      await notion.blocks.children.append({ block_id: blockId, children: batch });
    } catch (error) {
      if (done === 0) throw error;
      return `Appended ${done} of ${total} blocks, then ${integrationError("Notion", notionFailure(error)).output}`;
    }
    done += batch.length;
  }
  return undefined;
}

function createPage(client: GetClient): Tool<{ parent_page_id: string; title: string; content?: string | undefined }> {
  return notionTool({
    name: "notion_create_page",
    description: "Create a Notion page under a parent page, with optional markdown-ish content converted to Notion blocks.",
    class: "write",
    schema: z.strictObject({
      parent_page_id: pageId.describe("The parent page's id or URL (shared with the integration)"),
      title: z.string().min(1).max(2000).describe("Page title"),
      content: content.optional(),
    }),
    hints: { not_found: "check parent_page_id, and share the parent page with the integration (page ⋯ menu → Connections)" },
    async run(input) {
      const notion = await client();
      const [first = [], ...rest] = batches(input.content ? textToBlocks(input.content) : []);
      const page = await notion.pages.create({
        parent: { page_id: input.parent_page_id },
        properties: { title: { title: [{ type: "text", text: { content: input.title } }] } },
        children: first,
      });
      const partial = await appendAll(notion, page.id, rest.flat(), first.length);
      const created = `Created Notion page "${input.title}" (id ${page.id}) ${String(field(page, "url") ?? "")}`;
      if (partial) return { output: `${created}\n${partial}`, isError: true };
      return `${created} with ${first.length + rest.flat().length} blocks`;
    },
  });
}

function append(client: GetClient): Tool<{ page_id: string; content: string }> {
  return notionTool({
    name: "notion_append",
    description: "Append markdown-ish text to the end of a Notion page (or block) as paragraph, heading, list, quote and code blocks.",
    class: "write",
    schema: z.strictObject({ page_id: pageId, content }),
    async run(input) {
      const notion = await client();
      const blocks = textToBlocks(input.content);
      if (blocks.length === 0) return { output: "Nothing to append: content has no text.", isError: true };
      const partial = await appendAll(notion, input.page_id, blocks);
      if (partial) return { output: partial, isError: true };
      return `Appended ${blocks.length} block${blocks.length === 1 ? "" : "s"} to Notion page ${input.page_id}`;
    },
  });
}

export function createNotionTools(client: GetClient): Tool[] {
  return [search(client), readPage(client), createPage(client), append(client)];
}
