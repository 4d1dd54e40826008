/** A loopback fake of docs.googleapis.com v1: documents as text in memory, every request recorded. */
import { type FakeServer, type RecordedRequest, type Reply, startFake } from "./http.js";

export interface FakeDoc {
  documentId: string;
  title: string;
  /** The body text; always ends with the final "\n" a Docs body has. */
  text: string;
  revision: number;
  /** A seeded raw `body` (headings, tables…) returned as is; such documents are read-only here. */
  body?: unknown;
}

export interface GdocsFake extends FakeServer {
  docs: Map<string, FakeDoc>;
  addDoc(init: { id?: string; title: string; text?: string; body?: unknown }): string;
  /** Answers the next request (after the auth check) that `match` accepts with this reply instead of the route's. */
  failNext(reply: Reply, match?: (request: RecordedRequest) => boolean): void;
}

export function googleError(code: number, status: string, message: string, headers?: Record<string, string>): Reply {
  return { status: code, json: { error: { code, message, status } }, ...(headers ? { headers } : {}) };
}

/** Paragraph structural elements with Docs' indices: a section break at 0, then one paragraph per line. */
function bodyOf(text: string): unknown {
  const content: unknown[] = [{ endIndex: 1, sectionBreak: { sectionStyle: {} } }];
  let index = 1;
  for (const line of text.slice(0, -1).split("\n")) {
    const endIndex = index + line.length + 1;
    const run = { startIndex: index, endIndex, textRun: { content: `${line}\n`, textStyle: {} } };
    content.push({ startIndex: index, endIndex, paragraph: { elements: [run], paragraphStyle: { namedStyleType: "NORMAL_TEXT" } } });
    index = endIndex;
  }
  return { content };
}

function docJson(doc: FakeDoc): unknown {
  return { documentId: doc.documentId, title: doc.title, revisionId: `rev-${doc.revision}`, body: doc.body ?? bodyOf(doc.text) };
}

type BatchResult = { reply: unknown } | { error: Reply };

function applyRequest(doc: FakeDoc, request: Record<string, Record<string, unknown> | undefined>): BatchResult {
  const insert = request.insertText;
  if (insert) {
    const index = Number((insert.location as { index?: number } | undefined)?.index);
    const end = doc.text.length + 1;
    if (!(index >= 1 && index < end)) {
      return {
        error: googleError(
          400,
          "INVALID_ARGUMENT",
          `Invalid requests[0].insertText: Index ${index} must be less than the end index of the referenced segment, ${end}.`,
        ),
      };
    }
    doc.text = doc.text.slice(0, index - 1) + String(insert.text) + doc.text.slice(index - 1);
    return { reply: {} };
  }
  const replace = request.replaceAllText;
  if (replace) {
    const { text = "", matchCase = false } = (replace.containsText ?? {}) as { text?: string; matchCase?: boolean };
    const pattern = new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), matchCase ? "g" : "gi");
    const occurrencesChanged = doc.text.match(pattern)?.length ?? 0;
    doc.text = doc.text.replace(pattern, () => String(replace.replaceText ?? ""));
    return { reply: { replaceAllText: { occurrencesChanged } } };
  }
  return { error: googleError(400, "INVALID_ARGUMENT", `fake gdocs: unsupported request ${Object.keys(request).join()}`) };
}

function batchUpdate(doc: FakeDoc, body: Record<string, unknown>): Reply {
  const required = (body.writeControl as { requiredRevisionId?: string } | undefined)?.requiredRevisionId;
  if (required && required !== `rev-${doc.revision}`) {
    return googleError(400, "FAILED_PRECONDITION", `The required revision ID ${required} does not match the latest revision.`);
  }
  const replies: unknown[] = [];
  for (const request of (body.requests as Array<Record<string, Record<string, unknown>>> | undefined) ?? []) {
    const result = applyRequest(doc, request);
    if ("error" in result) return result.error;
    replies.push(result.reply);
  }
  doc.revision += 1;
  return { json: { documentId: doc.documentId, replies, writeControl: { requiredRevisionId: `rev-${doc.revision}` } } };
}

/** `authorize` decides on the Authorization header; by default it must be `Bearer <token>`. */
export async function startGdocsFake(options: { token?: string; authorize?: (header: string | undefined) => boolean }): Promise<GdocsFake> {
  const docs = new Map<string, FakeDoc>();
  const failures: Array<{ reply: Reply; match: (request: RecordedRequest) => boolean }> = [];
  const takeFailure = (req: RecordedRequest): Reply | undefined => {
    const at = failures.findIndex((f) => f.match(req));
    return at < 0 ? undefined : failures.splice(at, 1)[0]?.reply;
  };
  const authorize = options.authorize ?? ((header) => header === `Bearer ${options.token}`);
  const notFound = () => googleError(404, "NOT_FOUND", "Requested entity was not found.");
  const addDoc: GdocsFake["addDoc"] = ({ id = `doc-${docs.size + 1}`, title, text = "", body }) => {
    docs.set(id, { documentId: id, title, text: `${text}\n`, revision: 1, body });
    return id;
  };

  const routes = (req: RecordedRequest): Reply | undefined => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const batch = req.path.match(/^\/v1\/documents\/([^/:]+):batchUpdate$/);
    const get = req.path.match(/^\/v1\/documents\/([^/:]+)$/);
    if (req.method === "POST" && req.path === "/v1/documents") {
      const id = addDoc({ title: String(body.title ?? "Untitled document") });
      return { json: docJson(docs.get(id) as FakeDoc) };
    }
    if (req.method === "POST" && batch) {
      const doc = docs.get(batch[1] ?? "");
      return doc ? batchUpdate(doc, body) : notFound();
    }
    if (req.method === "GET" && get) {
      const doc = docs.get(get[1] ?? "");
      return doc ? { json: docJson(doc) } : notFound();
    }
    return undefined;
  };

  const server = await startFake("gdocs", (req) => {
    if (!authorize(req.headers.authorization)) {
      return googleError(
        401,
        "UNAUTHENTICATED",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
      );
    }
    return takeFailure(req) ?? routes(req);
  });
  return { ...server, docs, addDoc, failNext: (reply, match = () => true) => void failures.push({ reply, match }) };
}
