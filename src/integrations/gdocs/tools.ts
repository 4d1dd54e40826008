import type { docs_v1 } from "@googleapis/docs";
import { z } from "zod";
import type { Tool } from "../../core/tool.js";
import { compact, defineTool, type ErrorHints, type ToolSpec } from "../common.js";
import { documentUrl, gdocsError } from "./client.js";
import { documentToText, endOfBody } from "./text.js";

type GetClient = () => Promise<docs_v1.Docs>;

const documentId = z
  .string()
  .min(1)
  .describe("The document id, or the document's URL (https://docs.google.com/document/d/<id>/edit)")
  .transform((value) => value.trim().match(/\/document\/d\/([A-Za-z0-9_-]+)/)?.[1] ?? value.trim());
const text = z.string().min(1).max(200_000);

function gdocsTool<I>(spec: Omit<ToolSpec<I>, "onError"> & { hints?: ErrorHints }): Tool<I> {
  const { hints, ...rest } = spec;
  return defineTool({ ...rest, onError: (error) => gdocsError(error, hints) });
}

function read(client: GetClient): Tool<{ document_id: string; max_chars: number }> {
  return gdocsTool({
    name: "gdocs_read",
    description: "Read a Google Doc as plain text: title, URL, then the body with headings as #, bullets as - and tables as | cells |.",
    class: "read",
    schema: z.strictObject({
      document_id: documentId,
      max_chars: z.number().int().min(500).max(50_000).default(12_000).describe("Cut the text at this length"),
    }),
    async run(input, { signal }) {
      const docs = await client();
      const { data } = await docs.documents.get({ documentId: input.document_id }, { signal });
      const body = documentToText(data) || "(empty document)";
      return compact(`# ${data.title ?? "Untitled"}\n${documentUrl(input.document_id)}\n\n${body}`, input.max_chars);
    },
  });
}

function create(client: GetClient): Tool<{ title: string; text?: string | undefined }> {
  return gdocsTool({
    name: "gdocs_create",
    description: "Create a Google Doc with a title and optional plain-text content; returns its id and URL.",
    class: "write",
    schema: z.strictObject({
      title: z.string().min(1).max(1000).describe("Document title"),
      text: text.optional().describe("Initial plain-text content"),
    }),
    async run(input, { signal }) {
      const docs = await client();
      const { data } = await docs.documents.create({ requestBody: { title: input.title } }, { signal });
      const id = data.documentId ?? "";
      const created = `Created Google Doc "${input.title}" (id ${id}) ${documentUrl(id)}`;
      if (!input.text) return created;
      try {
        const requests = [{ insertText: { location: { index: 1 }, text: input.text } }];
        await docs.documents.batchUpdate({ documentId: id, requestBody: { requests } }, { signal });
      } catch (error) {
        return { output: `${created}, but adding its text failed: ${gdocsError(error).output}`, isError: true };
      }
      return `${created} with ${input.text.length} characters`;
    },
  });
}

function append(client: GetClient): Tool<{ document_id: string; text: string }> {
  return gdocsTool({
    name: "gdocs_append",
    description: "Append plain text to the END of a Google Doc, starting a new paragraph when the last one has text.",
    class: "write",
    schema: z.strictObject({ document_id: documentId, text: text.describe("Plain text to append") }),
    hints: { invalid: "the document changed while appending; read it again and retry" },
    async run(input, { signal }) {
      const docs = await client();
      const { data } = await docs.documents.get({ documentId: input.document_id }, { signal });
      const { index, newParagraph } = endOfBody(data);
      const insert = newParagraph && !input.text.startsWith("\n") ? `\n${input.text}` : input.text;
      await docs.documents.batchUpdate(
        {
          documentId: input.document_id,
          requestBody: {
            requests: [{ insertText: { location: { index }, text: insert } }],
            // Fails instead of inserting at a stale index if someone edited the document meanwhile.
            ...(data.revisionId ? { writeControl: { requiredRevisionId: data.revisionId } } : {}),
          },
        },
        { signal },
      );
      return `Appended ${input.text.length} characters to the end of "${data.title ?? input.document_id}" ${documentUrl(input.document_id)}`;
    },
  });
}

function replace(client: GetClient): Tool<{ document_id: string; find: string; replace: string; match_case: boolean }> {
  return gdocsTool({
    name: "gdocs_replace",
    description: "Replace every occurrence of a text in a Google Doc (plain text, not a regex).",
    class: "write",
    schema: z.strictObject({
      document_id: documentId,
      find: z.string().min(1).max(10_000).describe("The text to find"),
      replace: z.string().max(100_000).describe("The replacement; empty deletes the matches"),
      match_case: z.boolean().default(true).describe("Case-sensitive matching"),
    }),
    async run(input, { signal }) {
      const docs = await client();
      const requests = [{ replaceAllText: { containsText: { text: input.find, matchCase: input.match_case }, replaceText: input.replace } }];
      const { data } = await docs.documents.batchUpdate({ documentId: input.document_id, requestBody: { requests } }, { signal });
      const count = data.replies?.[0]?.replaceAllText?.occurrencesChanged ?? 0;
      if (count === 0) return `No occurrences of "${compact(input.find, 200)}" in document ${input.document_id}; nothing changed.`;
      return `Replaced ${count} occurrence${count === 1 ? "" : "s"} of "${compact(input.find, 200)}" in ${documentUrl(input.document_id)}`;
    },
  });
}

export function createGdocsTools(client: GetClient): Tool[] {
  return [read(client), create(client), append(client), replace(client)];
}
