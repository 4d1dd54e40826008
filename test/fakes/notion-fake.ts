/** A loopback fake of api.notion.com: pages and blocks in memory, every request recorded. */
import { randomUUID } from "node:crypto";
import { type FakeServer, type RecordedRequest, type Reply, startFake } from "./http.js";

export interface FakeNotionPage {
  id: string;
  title: string;
  parentId: string | undefined;
}

export interface NotionFake extends FakeServer {
  pages: Map<string, FakeNotionPage>;
  /** Children by parent (page or block) id, as Notion returns them. */
  children: Map<string, Array<Record<string, unknown>>>;
  /** Adds a page; `blocks` are block requests (`{type, [type]: {...}}`) stored as its children. */
  addPage(init: { id?: string; title: string; parentId?: string; blocks?: Array<Record<string, unknown>> }): string;
  /** Nests block requests under an existing block (which then reports `has_children`); returns the new ids. */
  addChildren(blockId: string, blocks: Array<Record<string, unknown>>): string[];
  /** Answers the next request (after the auth check) that `match` accepts with this reply instead of the route's. */
  failNext(reply: Reply, match?: (request: RecordedRequest) => boolean): void;
}

const NOW = "2026-01-02T03:04:00.000Z";

export function notionError(status: number, code: string, message: string, headers?: Record<string, string>): Reply {
  return { status, json: { object: "error", status, code, message, request_id: "req-fake" }, ...(headers ? { headers } : {}) };
}

function pageJson(page: FakeNotionPage): Record<string, unknown> {
  return {
    object: "page",
    id: page.id,
    created_time: NOW,
    last_edited_time: NOW,
    archived: false,
    in_trash: false,
    url: `https://www.notion.so/${page.id.replaceAll("-", "")}`,
    parent: page.parentId ? { type: "page_id", page_id: page.parentId } : { type: "workspace", workspace: true },
    properties: {
      title: { id: "title", type: "title", title: [{ type: "text", text: { content: page.title }, plain_text: page.title }] },
    },
  };
}

/** Notion accepts ids with or without dashes. */
function normalizeId(id: string): string {
  const hex = id.replaceAll("-", "").toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) return id;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Turns a block request into the stored response shape (ids, plain_text on rich text). */
function storeBlock(request: Record<string, unknown>): Record<string, unknown> {
  const type = String(request.type);
  const data = { ...(request[type] as Record<string, unknown>) };
  if (Array.isArray(data.rich_text)) {
    data.rich_text = data.rich_text.map((item: { text?: { content?: string } }) => ({ ...item, plain_text: item.text?.content ?? "" }));
  }
  return { object: "block", id: randomUUID(), type, has_children: false, created_time: NOW, [type]: data };
}

function list(results: unknown[], nextCursor: string | null): Reply {
  return { json: { object: "list", results, next_cursor: nextCursor, has_more: nextCursor !== null, type: "block", block: {} } };
}

export async function startNotionFake(options: { token: string }): Promise<NotionFake> {
  const pages = new Map<string, FakeNotionPage>();
  const children = new Map<string, Array<Record<string, unknown>>>();
  const failures: Array<{ reply: Reply; match: (request: RecordedRequest) => boolean }> = [];
  const takeFailure = (req: RecordedRequest): Reply | undefined => {
    const at = failures.findIndex((f) => f.match(req));
    return at < 0 ? undefined : failures.splice(at, 1)[0]?.reply;
  };
  const notFound = (id: string) =>
    notionError(404, "object_not_found", `Could not find block with ID: ${id}. Make sure the relevant pages and databases are shared with your integration.`);
  const exists = (id: string) => pages.has(id) || [...children.values()].some((bs) => bs.some((b) => b.id === id));

  const addPage: NotionFake["addPage"] = ({ id = randomUUID(), title, parentId, blocks = [] }) => {
    pages.set(id, { id, title, parentId });
    children.set(id, blocks.map(storeBlock));
    return id;
  };

  const addChildren: NotionFake["addChildren"] = (blockId, blocks) => {
    for (const list of children.values()) {
      const parent = list.find((b) => b.id === blockId);
      if (parent) parent.has_children = true;
    }
    const stored = blocks.map(storeBlock);
    children.set(blockId, [...(children.get(blockId) ?? []), ...stored]);
    return stored.map((b) => String(b.id));
  };

  const routes = (req: RecordedRequest): Reply | undefined => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const pageMatch = req.path.match(/^\/v1\/pages\/([^/]+)$/);
    const childrenMatch = req.path.match(/^\/v1\/blocks\/([^/]+)\/children$/);
    if (req.method === "GET" && req.path === "/v1/users/me") {
      return {
        json: {
          object: "user",
          id: "bot-user-1",
          type: "bot",
          name: "openkoi",
          avatar_url: null,
          bot: { owner: { type: "workspace", workspace: true }, workspace_name: "Acme" },
        },
      };
    }
    if (req.method === "POST" && req.path === "/v1/search") {
      const query = String(body.query ?? "").toLowerCase();
      const found = [...pages.values()].filter((p) => p.title.toLowerCase().includes(query)).map(pageJson);
      const size = Number(body.page_size ?? 100);
      return {
        json: {
          object: "list",
          results: found.slice(0, size),
          next_cursor: null,
          has_more: found.length > size,
          type: "page_or_data_source",
          page_or_data_source: {},
        },
      };
    }
    if (req.method === "GET" && pageMatch) {
      const id = normalizeId(pageMatch[1] ?? "");
      const page = pages.get(id);
      return page ? { json: pageJson(page) } : notFound(id);
    }
    if (req.method === "POST" && req.path === "/v1/pages") {
      const parentId = normalizeId(String((body.parent as Record<string, unknown> | undefined)?.page_id ?? ""));
      if (!pages.has(parentId)) return notFound(parentId);
      const titleItems = (body.properties as Record<string, { title?: Array<{ text?: { content?: string } }> }>)?.title?.title ?? [];
      const title = titleItems.map((t) => t.text?.content ?? "").join("");
      const id = addPage({ title, parentId, blocks: (body.children as Array<Record<string, unknown>> | undefined) ?? [] });
      return { json: pageJson({ id, title, parentId }) };
    }
    if (childrenMatch) {
      const id = normalizeId(childrenMatch[1] ?? "");
      if (!exists(id)) return notFound(id);
      const stored = children.get(id) ?? [];
      if (req.method === "PATCH") {
        const added = ((body.children as Array<Record<string, unknown>> | undefined) ?? []).map(storeBlock);
        children.set(id, [...stored, ...added]);
        return list(added, null);
      }
      const start = Number(req.query.start_cursor ?? 0);
      const size = Number(req.query.page_size ?? 100);
      const next = start + size < stored.length ? String(start + size) : null;
      return list(stored.slice(start, start + size), next);
    }
    return undefined;
  };

  const server = await startFake("notion", (req) => {
    if (req.headers.authorization !== `Bearer ${options.token}`) return notionError(401, "unauthorized", "API token is invalid.");
    return takeFailure(req) ?? routes(req);
  });
  return { ...server, pages, children, addPage, addChildren, failNext: (reply, match = () => true) => void failures.push({ reply, match }) };
}
