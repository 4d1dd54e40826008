import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, OpenKoiError } from "../../../src/core/errors.js";
import type { Tool, ToolContext } from "../../../src/core/tool.js";
import { blockToText, textToBlocks } from "../../../src/integrations/notion/blocks.js";
import { createNotionIntegration } from "../../../src/integrations/notion/index.js";
import { type NotionFake, notionError, startNotionFake } from "../../fakes/notion-fake.js";
import { freePort as closedPort } from "../../helpers/serve-process.js";

const TOKEN = "ntn_test_secret";
const PARENT = "0f1e2d3c-4b5a-4968-8776-655443322110";
const context: ToolContext = { workspace: "/tmp", dataDir: "/tmp", signal: new AbortController().signal };

let fake: NotionFake;
beforeAll(async () => {
  fake = await startNotionFake({ token: TOKEN });
  fake.addPage({ id: PARENT, title: "Team wiki" });
});
afterAll(() => fake.close());
beforeEach(() => void fake.requests.splice(0));

function tools(token = TOKEN): Map<string, Tool> {
  const integration = createNotionIntegration({ token, base_url: fake.url });
  return new Map(integration.tools.map((tool) => [tool.name, tool]));
}

async function run(name: string, input: unknown, token = TOKEN) {
  const tool = tools(token).get(name);
  if (!tool) throw new Error(`no tool ${name}`);
  return tool.run(input, context);
}

const paragraph = (text: string) => ({ type: "paragraph", paragraph: { rich_text: [{ type: "text", text: { content: text } }] } });

describe("notion integration", () => {
  it("exposes four namespaced tools, classed read/write", () => {
    const integration = createNotionIntegration({ token: TOKEN });
    expect(integration.name).toBe("notion");
    expect(integration.tools.map((t) => [t.name, t.class])).toEqual([
      ["notion_search", "read"],
      ["notion_read_page", "read"],
      ["notion_create_page", "write"],
      ["notion_append", "write"],
    ]);
  });

  it("rejects a config slice without a token, naming the path", () => {
    expect(() => createNotionIntegration({ base_url: "http://x" })).toThrow(ConfigError);
    expect(() => createNotionIntegration({ token: TOKEN, extra: 1 })).toThrow(/integrations\.notion/);
  });

  it("notion_search posts the query with the token and lists pages compactly", async () => {
    fake.addPage({ title: "Release checklist" });
    const result = await run("notion_search", { query: "release", limit: 5 });
    const request = fake.requests.at(-1);
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/v1/search");
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request?.headers["notion-version"]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(request?.body).toEqual({ query: "release", filter: { property: "object", value: "page" }, page_size: 5 });
    expect(result.isError).toBeUndefined();
    expect(result.output).toMatch(/^- Release checklist \(id [0-9a-f-]{36}\) https:\/\/www\.notion\.so\/[0-9a-f]{32} · edited 2026-01-02$/);
  });

  it("notion_search says plainly when nothing matched", async () => {
    const result = await run("notion_search", { query: "no such page" });
    expect(result.output).toBe('No Notion pages match "no such page" (only pages shared with the integration are searchable).');
  });

  it("notion_read_page renders blocks as markdown-ish text, nested children indented", async () => {
    const id = fake.addPage({
      title: "Runbook",
      parentId: PARENT,
      blocks: [
        { type: "heading_1", heading_1: { rich_text: [{ type: "text", text: { content: "Deploy" } }] } },
        paragraph("Run the pipeline."),
        { type: "bulleted_list_item", bulleted_list_item: { rich_text: [{ type: "text", text: { content: "build" } }] } },
        { type: "to_do", to_do: { rich_text: [{ type: "text", text: { content: "tag" } }], checked: true } },
        { type: "code", code: { rich_text: [{ type: "text", text: { content: "npm run deploy" } }], language: "bash" } },
      ],
    });
    const bullet = fake.children.get(id)?.[2];
    fake.addChildren(String(bullet?.id), [paragraph("with cache")]);
    const result = await run("notion_read_page", { page_id: id });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /v1/pages/${id}`,
      `GET /v1/blocks/${id}/children`,
      `GET /v1/blocks/${bullet?.id}/children`,
    ]);
    expect(result.output).toBe(
      `# Runbook\nhttps://www.notion.so/${id.replaceAll("-", "")}\n\n# Deploy\n\nRun the pipeline.\n\n- build\n  with cache\n- [x] tag\n\n\`\`\`bash\nnpm run deploy\n\`\`\``,
    );
  });

  it("notion_read_page follows pagination and accepts a page URL", async () => {
    const id = fake.addPage({ title: "Long", blocks: Array.from({ length: 130 }, (_, i) => paragraph(`line ${i}`)) });
    const url = `https://www.notion.so/acme/Long-${id.replaceAll("-", "")}?pvs=4`;
    const result = await run("notion_read_page", { page_id: url });
    const lists = fake.requests.filter((r) => r.path.endsWith("/children"));
    expect(lists.map((r) => r.query)).toEqual([{ page_size: "100" }, { page_size: "100", start_cursor: "100" }]);
    expect(result.output).toContain("line 0\n\nline 1\n");
    expect(result.output).toContain("line 129");
  });

  it("notion_create_page sends title and converted blocks, and returns id and URL", async () => {
    const content = "# Plan\nFirst line\nsecond line\n\n- one\n* two\n1. first\n- [ ] open\n> quoted\n---\n```ts\nconst x = 1;\n```";
    const result = await run("notion_create_page", { parent_page_id: PARENT, title: "Q3 plan", content });
    const request = fake.requests.at(-1);
    expect(`${request?.method} ${request?.path}`).toBe("POST /v1/pages");
    const body = request?.body as { parent: unknown; properties: unknown; children: Array<Record<string, unknown>> };
    expect(body.parent).toEqual({ page_id: PARENT });
    expect(body.properties).toEqual({ title: { title: [{ type: "text", text: { content: "Q3 plan" } }] } });
    expect(body.children.map((b) => b.type)).toEqual([
      "heading_1",
      "paragraph",
      "bulleted_list_item",
      "bulleted_list_item",
      "numbered_list_item",
      "to_do",
      "quote",
      "divider",
      "code",
    ]);
    expect(body.children[1]).toEqual(paragraph("First line\nsecond line"));
    expect(body.children[8]).toEqual({ type: "code", code: { rich_text: [{ type: "text", text: { content: "const x = 1;" } }], language: "typescript" } });
    const created = [...fake.pages.values()].find((p) => p.title === "Q3 plan");
    expect(result.output).toBe(`Created Notion page "Q3 plan" (id ${created?.id}) https://www.notion.so/${created?.id.replaceAll("-", "")} with 9 blocks`);
  });

  it("notion_create_page sends more than 100 blocks in batches", async () => {
    const content = Array.from({ length: 150 }, (_, i) => `- item ${i}`).join("\n");
    const result = await run("notion_create_page", { parent_page_id: PARENT, title: "Big", content });
    const [create, append] = fake.requests;
    expect((create?.body as { children?: unknown[] } | undefined)?.children).toHaveLength(100);
    expect(`${append?.method} ${append?.path}`).toMatch(/^PATCH \/v1\/blocks\/[0-9a-f-]{36}\/children$/);
    expect((append?.body as { children?: unknown[] } | undefined)?.children).toHaveLength(50);
    expect(result.output).toMatch(/with 150 blocks$/);
  });

  it("notion_append PATCHes the blocks onto the page", async () => {
    const id = fake.addPage({ title: "Journal", blocks: [paragraph("day 1")] });
    const result = await run("notion_append", { page_id: id.replaceAll("-", ""), content: "## Day 2\nShipped it." });
    const request = fake.requests.at(-1);
    expect(`${request?.method} ${request?.path}`).toBe(`PATCH /v1/blocks/${id}/children`);
    expect(request?.body).toEqual({
      children: [{ type: "heading_2", heading_2: { rich_text: [{ type: "text", text: { content: "Day 2" } }] } }, paragraph("Shipped it.")],
    });
    expect(result).toEqual({ output: `Appended 2 blocks to Notion page ${id}` });
  });

  it("notion_append reports partial progress when a later batch fails", async () => {
    const id = fake.addPage({ title: "Partial" });
    let patches = 0;
    fake.failNext(notionError(429, "rate_limited", "Rate limited", { "retry-after": "3" }), (r) => r.method === "PATCH" && ++patches === 2);
    const content = Array.from({ length: 120 }, (_, i) => `para ${i}\n`).join("\n");
    const result = await run("notion_append", { page_id: id, content });
    expect(result).toEqual({ output: "Appended 100 of 120 blocks, then Notion rate-limited the request; retry after 3 s", isError: true });
    expect(fake.children.get(id)).toHaveLength(100);
  });

  it("an unreachable API names the config to check", async () => {
    const integration = createNotionIntegration({ token: TOKEN, base_url: `http://127.0.0.1:${await closedPort()}` });
    const result = await integration.tools[0]?.run({ query: "x" }, context);
    expect(result?.isError).toBe(true);
    expect(result?.output).toMatch(/^Notion could not be reached \(.*ECONNREFUSED.*\): check integrations\.notion\.base_url and the network$/);
  });

  it("check() calls users.me; a bad token throws an actionable error", async () => {
    const ok = await createNotionIntegration({ token: TOKEN, base_url: fake.url }).check();
    expect(ok).toBe(`Notion: authenticated as openkoi in workspace Acme at ${fake.url}`);
    expect(fake.requests.at(-1)?.path).toBe("/v1/users/me");
    const failing = createNotionIntegration({ token: "bad", base_url: fake.url }).check();
    await expect(failing).rejects.toThrow(OpenKoiError);
    await expect(failing).rejects.toThrow("Notion said 401 unauthorized: API token is invalid: check integrations.notion.token");
  });
});

describe("notion text ⇄ blocks", () => {
  it("splits long paragraphs into 2000-character text items", () => {
    const [block] = textToBlocks("x".repeat(4500));
    const items = (block as { paragraph: { rich_text: Array<{ text: { content: string } }> } }).paragraph.rich_text;
    expect(items.map((i) => i.text.content.length)).toEqual([2000, 2000, 500]);
  });

  it("keeps an unclosed code fence and maps unknown languages to plain text", () => {
    expect(textToBlocks("```brainfuck\n+++\n")).toEqual([
      { type: "code", code: { rich_text: [{ type: "text", text: { content: "+++\n" } }], language: "plain text" } },
    ]);
  });

  it("renders media, pages and unsupported blocks", () => {
    expect(blockToText({ id: "b1", type: "image", image: { type: "external", external: { url: "https://x/y.png" }, caption: [] } })).toBe(
      "[image: https://x/y.png]",
    );
    expect(blockToText({ id: "p1", type: "child_page", child_page: { title: "Sub" } })).toBe("[page: Sub] (id p1)");
    expect(blockToText({ id: "u1", type: "unsupported", unsupported: {} })).toBe("[unsupported]");
  });
});
