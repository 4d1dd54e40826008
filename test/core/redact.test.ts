import { describe, expect, it } from "vitest";
import { createRedactor, MIN_SECRET_LENGTH } from "../../src/core/redact.js";

describe("createRedactor", () => {
  it("replaces several secrets, each with its own name", () => {
    const redact = createRedactor([
      { name: "SLACK_BOT_TOKEN", value: "xoxb-1111-2222-abcdef" },
      { name: "providers.openai", value: "sk-live-0123456789" },
    ]);
    expect(redact.text("a xoxb-1111-2222-abcdef b sk-live-0123456789 c xoxb-1111-2222-abcdef")).toBe(
      "a [redacted:SLACK_BOT_TOKEN] b [redacted:providers.openai] c [redacted:SLACK_BOT_TOKEN]",
    );
  });

  it("takes the longer of two secrets where one is a prefix of the other", () => {
    const redact = createRedactor([
      { name: "SHORT", value: "abcdefgh" },
      { name: "LONG", value: "abcdefgh-ijklmnop" },
    ]);
    expect(redact.text("x abcdefgh-ijklmnop y abcdefgh z")).toBe("x [redacted:LONG] y [redacted:SHORT] z");
  });

  it("covers overlapping secrets as one range, leaving no part of either", () => {
    const redact = createRedactor([
      { name: "A", value: "11112222xxxx" },
      { name: "B", value: "xxxx33334444" },
    ]);
    expect(redact.text("<11112222xxxx33334444>")).toBe("<[redacted:A]>");
    expect(redact.text("<xxxx33334444>")).toBe("<[redacted:B]>");
  });

  it("treats regular-expression metacharacters in a secret literally", () => {
    const value = "p.a*s+s?^$(w)[o]{r}|d\\/-";
    const redact = createRedactor([{ name: "PW", value }]);
    expect(redact.text(`before ${value} after`)).toBe("before [redacted:PW] after");
    expect(redact.text("pXa*s+s?^$(w)[o]{r}|d\\/-")).toBe("pXa*s+s?^$(w)[o]{r}|d\\/-");
    expect(redact.text("p.aaaas+s?^$(w)[o]{r}|d\\/-")).toBe("p.aaaas+s?^$(w)[o]{r}|d\\/-");
  });

  it("also finds a secret as JSON text and URL-encoded text spell it", () => {
    const value = 'quote"and space/slash';
    const redact = createRedactor([{ name: "S", value }]);
    expect(redact.text(JSON.stringify({ key: value }))).toBe('{"key":"[redacted:S]"}');
    expect(redact.text(`https://x.test/?t=${encodeURIComponent(value)}`)).toBe("https://x.test/?t=[redacted:S]");
  });

  it("ignores values too short to be secrets, so ordinary words are not mangled", () => {
    const short = "x".repeat(MIN_SECRET_LENGTH - 1);
    const redact = createRedactor([
      { name: "SHORT", value: short },
      { name: "BLANK", value: "   " },
      { name: "OLLAMA", value: "ollama" },
    ]);
    expect(redact.size).toBe(0);
    expect(redact.text(`${short} ollama`)).toBe(`${short} ollama`);
  });

  it("returns the same string, and the same objects, when no secret occurs", () => {
    const redact = createRedactor([{ name: "T", value: "tok-0123456789" }]);
    const text = "nothing to see here ".repeat(50);
    expect(redact.text(text)).toBe(text);
    const event = { type: "tool.result", output: text, nested: { list: ["a", { b: "c" }] }, n: 1, ok: true, none: null };
    expect(redact.value(event)).toBe(event);
  });

  it("redacts strings anywhere in objects and arrays, copying only what changed", () => {
    const redact = createRedactor([{ name: "T", value: "tok-0123456789" }]);
    const untouched = { keep: "me" };
    const event = { input: { args: ["ls", "tok-0123456789"], env: { X: "a tok-0123456789 b" } }, untouched, n: 3 };
    const out = redact.value(event);
    expect(out).toEqual({ input: { args: ["ls", "[redacted:T]"], env: { X: "a [redacted:T] b" } }, untouched, n: 3 });
    expect(out.untouched).toBe(untouched);
    expect(event.input.args[1]).toBe("tok-0123456789");
  });

  it("with no secrets at all is the identity", () => {
    const redact = createRedactor([]);
    const value = { a: ["b"] };
    expect(redact.value(value)).toBe(value);
    expect(redact.text("abc")).toBe("abc");
  });
});
