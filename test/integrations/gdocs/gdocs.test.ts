import { generateKeyPairSync, verify } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, OpenKoiError } from "../../../src/core/errors.js";
import type { Tool, ToolContext } from "../../../src/core/tool.js";
import { createGdocsIntegration } from "../../../src/integrations/gdocs/index.js";
import { type GdocsFake, googleError, startGdocsFake } from "../../fakes/gdocs-fake.js";
import { freePort as closedPort } from "../../helpers/serve-process.js";

const TOKEN = "ya29.test-token";
const context: ToolContext = { workspace: "/tmp", dataDir: "/tmp", signal: new AbortController().signal };

let fake: GdocsFake;
beforeAll(async () => {
  fake = await startGdocsFake({ token: TOKEN });
});
afterAll(() => fake.close());
beforeEach(() => void fake.requests.splice(0));

function tools(config: Record<string, unknown> = {}): Map<string, Tool> {
  const integration = createGdocsIntegration({ access_token: TOKEN, root_url: `${fake.url}/`, ...config });
  return new Map(integration.tools.map((tool) => [tool.name, tool]));
}

async function run(name: string, input: unknown, config: Record<string, unknown> = {}) {
  const tool = tools(config).get(name);
  if (!tool) throw new Error(`no tool ${name}`);
  return tool.run(input, context);
}

const styled = (text: string, namedStyleType = "NORMAL_TEXT", bullet?: unknown) => ({
  paragraph: { elements: [{ textRun: { content: `${text}\n` } }], paragraphStyle: { namedStyleType }, ...(bullet ? { bullet } : {}) },
});
const cell = (text: string) => ({ content: [styled(text)] });

describe("google docs integration", () => {
  it("exposes four namespaced tools, classed read/write", () => {
    const integration = createGdocsIntegration({ access_token: TOKEN });
    expect(integration.name).toBe("gdocs");
    expect(integration.tools.map((t) => [t.name, t.class])).toEqual([
      ["gdocs_read", "read"],
      ["gdocs_create", "write"],
      ["gdocs_append", "write"],
      ["gdocs_replace", "write"],
    ]);
  });

  it("needs exactly one credential", () => {
    expect(() => createGdocsIntegration({})).toThrow(ConfigError);
    expect(() => createGdocsIntegration({ access_token: "a", service_account_key_file: "/k.json" })).toThrow(
      "integrations.gdocs: set exactly one of access_token or service_account_key_file",
    );
  });

  it("gdocs_read renders headings, bullets and tables, sending the bearer token", async () => {
    const body = {
      content: [
        { endIndex: 1, sectionBreak: {} },
        styled("Launch notes", "TITLE"),
        styled("Scope", "HEADING_1"),
        styled("Ship the hub."),
        styled("docs", "NORMAL_TEXT", { listId: "l1" }),
        styled("tests", "NORMAL_TEXT", { listId: "l1", nestingLevel: 1 }),
        { table: { tableRows: [{ tableCells: [cell("owner"), cell("date")] }, { tableCells: [cell("ana"), cell("May")] }] } },
      ],
    };
    const id = fake.addDoc({ title: "Launch", body });
    const result = await run("gdocs_read", { document_id: `https://docs.google.com/document/d/${id}/edit#heading=h.1` });
    const request = fake.requests.at(-1);
    expect(`${request?.method} ${request?.path}`).toBe(`GET /v1/documents/${id}`);
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(result.output).toBe(
      `# Launch\nhttps://docs.google.com/document/d/${id}/edit\n\n# Launch notes\n# Scope\nShip the hub.\n- docs\n  - tests\n| owner | date |\n| ana | May |`,
    );
  });

  it("gdocs_create creates the document and inserts its text at index 1", async () => {
    const result = await run("gdocs_create", { title: "Minutes", text: "Agenda\nNotes" });
    const [create, update] = fake.requests;
    expect(`${create?.method} ${create?.path}`).toBe("POST /v1/documents");
    expect(create?.body).toEqual({ title: "Minutes" });
    const id = [...fake.docs.values()].find((d) => d.title === "Minutes")?.documentId;
    expect(`${update?.method} ${update?.path}`).toBe(`POST /v1/documents/${id}:batchUpdate`);
    expect(update?.body).toEqual({ requests: [{ insertText: { location: { index: 1 }, text: "Agenda\nNotes" } }] });
    expect(fake.docs.get(String(id))?.text).toBe("Agenda\nNotes\n");
    expect(result).toEqual({ output: `Created Google Doc "Minutes" (id ${id}) https://docs.google.com/document/d/${id}/edit with 12 characters` });
  });

  it("gdocs_create without text makes one request", async () => {
    const result = await run("gdocs_create", { title: "Blank" });
    expect(fake.requests).toHaveLength(1);
    expect(result.output).toMatch(/^Created Google Doc "Blank" \(id doc-\d+\) https:\/\/docs\.google\.com\/document\/d\/doc-\d+\/edit$/);
  });

  it("gdocs_append inserts at the end of the body (last endIndex - 1) as a new paragraph, guarded by the revision", async () => {
    const id = fake.addDoc({ title: "Log", text: "Hello\nWorld" });
    const result = await run("gdocs_append", { document_id: id, text: "More" });
    const [get, update] = fake.requests;
    expect(`${get?.method} ${get?.path}`).toBe(`GET /v1/documents/${id}`);
    expect(update?.body).toEqual({
      requests: [{ insertText: { location: { index: 12 }, text: "\nMore" } }],
      writeControl: { requiredRevisionId: "rev-1" },
    });
    expect(fake.docs.get(id)?.text).toBe("Hello\nWorld\nMore\n");
    expect(result.output).toBe(`Appended 4 characters to the end of "Log" https://docs.google.com/document/d/${id}/edit`);
  });

  it("gdocs_append into an empty document needs no leading newline", async () => {
    const id = fake.addDoc({ title: "Empty" });
    await run("gdocs_append", { document_id: id, text: "First" });
    expect(fake.requests.at(-1)?.body).toEqual({
      requests: [{ insertText: { location: { index: 1 }, text: "First" } }],
      writeControl: { requiredRevisionId: "rev-1" },
    });
    expect(fake.docs.get(id)?.text).toBe("First\n");
  });

  it("gdocs_append reports a concurrent edit (stale revision) as actionable", async () => {
    const id = fake.addDoc({ title: "Busy", text: "x" });
    fake.failNext(googleError(400, "FAILED_PRECONDITION", "The required revision ID rev-1 does not match the latest revision."), (r) => r.method === "POST");
    const result = await run("gdocs_append", { document_id: id, text: "y" });
    expect(result).toEqual({
      output: `Google Docs said 400 FAILED_PRECONDITION: The required revision ID rev-1 does not match the latest revision for POST /v1/documents/${id}:batchUpdate: the document changed while appending; read it again and retry`,
      isError: true,
    });
  });

  it("gdocs_replace sends replaceAllText and reports the count", async () => {
    const id = fake.addDoc({ title: "Spec", text: "v1 is out. Use v1." });
    const result = await run("gdocs_replace", { document_id: id, find: "v1", replace: "v2" });
    expect(fake.requests.at(-1)?.body).toEqual({
      requests: [{ replaceAllText: { containsText: { text: "v1", matchCase: true }, replaceText: "v2" } }],
    });
    expect(fake.docs.get(id)?.text).toBe("v2 is out. Use v2.\n");
    expect(result.output).toBe(`Replaced 2 occurrences of "v1" in https://docs.google.com/document/d/${id}/edit`);
    const none = await run("gdocs_replace", { document_id: id, find: "v9", replace: "x" });
    expect(none.output).toBe(`No occurrences of "v9" in document ${id}; nothing changed.`);
  });

  it("an unreachable API names the config to check", async () => {
    const result = await run("gdocs_read", { document_id: "x" }, { root_url: `http://127.0.0.1:${await closedPort()}/` });
    expect(result.isError).toBe(true);
    expect(result.output).toMatch(/^Google Docs could not be reached \(.*\): check integrations\.gdocs\.root_url and the network$/);
  });

  it("check() treats 404 on a probe id as accepted credentials and throws on 401", async () => {
    const ok = await createGdocsIntegration({ access_token: TOKEN, root_url: fake.url }).check();
    expect(ok).toBe(`Google Docs: OAuth access token accepted at ${fake.url}/`);
    expect(fake.requests.at(-1)?.path).toBe("/v1/documents/openkoi-doctor-probe");
    const failing = createGdocsIntegration({ access_token: "bad", root_url: fake.url }).check();
    await expect(failing).rejects.toThrow(OpenKoiError);
    await expect(failing).rejects.toThrow(/^Google Docs said 401 UNAUTHENTICATED: .*: check integrations\.gdocs\.access_token/);
  });
});

describe("google docs with a service account key", () => {
  const dir = mkdtempSync(join(tmpdir(), "openkoi-gdocs-"));
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyFile = join(dir, "key.json");
  const claims: Array<Record<string, unknown>> = [];
  let saFake: GdocsFake;

  /** Verifies the self-signed RS256 JWT the way Google would, with the account's public key. */
  function authorize(header: string | undefined): boolean {
    const [head, payload, signature] = (header ?? "").replace(/^Bearer /, "").split(".");
    if (!head || !payload || !signature) return false;
    if (!verify("RSA-SHA256", Buffer.from(`${head}.${payload}`), publicKey, Buffer.from(signature, "base64url"))) return false;
    claims.push(JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>);
    return true;
  }

  beforeAll(async () => {
    saFake = await startGdocsFake({ authorize });
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    writeFileSync(
      keyFile,
      JSON.stringify({ type: "service_account", client_email: "bot@proj.iam.gserviceaccount.com", private_key: pem, private_key_id: "kid-1" }),
    );
  });
  afterAll(async () => {
    await saFake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("signs requests with the key, carrying the documents and drive.file scopes", async () => {
    const id = saFake.addDoc({ title: "Shared", text: "hi" });
    const integration = createGdocsIntegration({ service_account_key_file: keyFile, root_url: saFake.url });
    const read = integration.tools.find((t) => t.name === "gdocs_read");
    const result = await read?.run({ document_id: id }, context);
    expect(result?.output).toContain("\n\nhi");
    expect(claims.at(-1)).toMatchObject({
      iss: "bot@proj.iam.gserviceaccount.com",
      sub: "bot@proj.iam.gserviceaccount.com",
      scope: "https://www.googleapis.com/auth/documents https://www.googleapis.com/auth/drive.file",
    });
    await expect(integration.check()).resolves.toBe(`Google Docs: service account key accepted at ${saFake.url}/`);
  });

  it("a missing key file is a config problem named by its path", async () => {
    const missing = join(dir, "missing.json");
    const integration = createGdocsIntegration({ service_account_key_file: missing, root_url: saFake.url });
    const result = await integration.tools[0]?.run({ document_id: "x" }, context);
    expect(result?.isError).toBe(true);
    expect(result?.output).toMatch(/^integrations\.gdocs\.service_account_key_file: cannot read .*missing\.json as JSON \(ENOENT/);
    await expect(integration.check()).rejects.toThrow(ConfigError);
  });
});
