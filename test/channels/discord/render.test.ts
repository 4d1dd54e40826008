import { describe, expect, it } from "vitest";
import { parseDiscordConfig } from "../../../src/channels/discord/config.js";
import { escapeMarkdown, LIMITS, parseCustomId, renderMessage, renderText } from "../../../src/channels/discord/render.js";
import { setupInstructions } from "../../../src/channels/discord/setup.js";
import { ConfigError } from "../../../src/core/errors.js";
import type { RichMessage } from "../../../src/core/rich-message.js";

const base: RichMessage = {
  title: "Working on it: fix **the** <@123> bug_report",
  status: "running",
  progress: "iteration 1/3 · correctness 9.0 · $0.01",
  fields: [
    { label: "Score", value: "0.90" },
    { label: "Files changed", value: "1: src/my_file.ts" },
  ],
  sections: [
    { kind: "text", text: "**Result**: all good" },
    { kind: "code", text: "echo ```nested```" },
  ],
  buttons: [{ id: "openkoi_stop", label: "Stop", value: "task-1", style: "danger" }],
  fallback: "Working on it",
};

describe("discord render", () => {
  it("renders one embed: escaped title, colour as an int, inline fields, footer progress, markdown sections", () => {
    const body = renderMessage(base);
    const embed = body.embeds?.[0];
    expect(embed?.title).toBe("Working on it: fix \\*\\*the\\*\\* \\<@123> bug\\_report");
    expect(embed?.color).toBe(0xf2c744);
    expect(embed?.fields).toEqual([
      { name: "Score", value: "0.90", inline: true },
      { name: "Files changed", value: "1: src/my\\_file.ts", inline: true },
    ]);
    expect(embed?.footer?.text).toBe("iteration 1/3 · correctness 9.0 · $0.01");
    expect(embed?.description).toBe("**Result**: all good\n\n```\necho `\u200b``nested`\u200b``\n```");
    expect(body.allowed_mentions).toEqual({ parse: [] });
  });

  it("puts Stop in an action row as a danger button carrying the task id; a finished task gets no components", () => {
    expect(renderMessage(base).components).toEqual([{ type: 1, components: [{ type: 2, style: 4, label: "Stop", custom_id: "openkoi_stop:task-1" }] }]);
    expect(parseCustomId("openkoi_stop:task-1")).toEqual({ action: "openkoi_stop", value: "task-1" });
    const done = renderMessage({ ...base, status: "passed", buttons: [] });
    expect(done.components).toEqual([]);
    expect(done.embeds?.[0]?.color).toBe(0x36a64f);
    expect(renderMessage({ ...base, status: "cancelled" }).embeds?.[0]?.color).toBe(0xcc0000);
  });

  it("keeps every part within Discord's limits", () => {
    const huge: RichMessage = {
      ...base,
      title: "t".repeat(400),
      fields: Array.from({ length: 30 }, (_, i) => ({ label: `f${i}`, value: "v".repeat(2000) })),
      sections: [{ kind: "text", text: "x".repeat(9000) }],
    };
    const embed = renderMessage(huge).embeds?.[0];
    expect(embed?.title.length).toBe(LIMITS.title);
    expect(embed?.fields.length).toBeGreaterThan(0);
    expect(embed?.description?.length).toBeGreaterThanOrEqual(1900);
    for (const f of embed?.fields ?? []) expect(f.value.length).toBeLessThanOrEqual(LIMITS.fieldValue);
    const total =
      (embed?.title.length ?? 0) +
      (embed?.description?.length ?? 0) +
      (embed?.footer?.text.length ?? 0) +
      (embed?.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
    expect(total).toBeLessThanOrEqual(LIMITS.embedTotal);
    const many = renderMessage({ ...base, fields: Array.from({ length: 40 }, (_, i) => ({ label: `f${i}`, value: "1" })) }).embeds?.[0];
    expect(many?.fields).toHaveLength(LIMITS.fields);
    expect(renderText("y".repeat(2500)).content?.length).toBe(LIMITS.content);
  });

  it("escapes markdown, mention syntax and line-start block markers, but nothing else", () => {
    expect(escapeMarkdown("a*b_c~d`e|f\\g[h]i<@1>")).toBe("a\\*b\\_c\\~d\\`e\\|f\\\\g\\[h\\]i\\<@1>");
    expect(escapeMarkdown("# title\n> quote\n-# small\ncost $0.04 (2.5s)")).toBe("\\# title\n\\> quote\n\\-# small\ncost $0.04 (2.5s)");
  });
});

describe("discord config and setup", () => {
  const good = { bot_token: "tok", application_id: "100000000000000001", public_key: "ab".repeat(32) };

  it("parses a minimal table with defaults and the shared policy keys", () => {
    const config = parseDiscordConfig({ ...good, allow_users: ["1"], api_url: "http://127.0.0.1:9/api/" });
    expect(config).toMatchObject({ api_url: "http://127.0.0.1:9/api", gateway: true, allow_users: ["1"], tools: ["read"] });
    expect(parseDiscordConfig(good).api_url).toBe("https://discord.com/api");
  });

  it("reports problems by config path", () => {
    const problems = (raw: unknown) => {
      try {
        parseDiscordConfig(raw);
      } catch (error) {
        if (error instanceof ConfigError) return error.problems.join("\n");
      }
      return "";
    };
    expect(problems({ ...good, bot_token: "" })).toMatch(/^channels\.discord\.bot_token: set the bot token/);
    expect(problems({ ...good, publickey: "x" })).toMatch(/channels\.discord: .*publickey/);
    expect(problems({ ...good, public_key: "nothex" })).toMatch(/channels\.discord\.public_key: .*64 hex/);
    expect(problems({ bot_token: "t", application_id: "100000000000000001", gateway: false })).toMatch(
      /channels\.discord\.public_key: needed when gateway = false/,
    );
  });

  it("prints the portal steps, the invite URL with the needed permissions and the /koi registration", () => {
    const text = setupInstructions(good, "https://hub.example.com/");
    expect(text).toContain("Interactions Endpoint URL: https://hub.example.com/channels/discord/interactions");
    expect(text).toContain("client_id=100000000000000001&scope=bot%20applications.commands&permissions=274877992000");
    expect(text).toContain('curl -X PUT "https://discord.com/api/v10/applications/100000000000000001/commands"');
    const json = text.match(/-d '(.*)'/)?.[1] ?? "";
    expect(JSON.parse(json)[0]).toMatchObject({ name: "koi", options: [{ type: 3, name: "task", required: true }] });
    expect(setupInstructions({ ...good, public_key: undefined }, "https://x")).toContain("arrive over the gateway");
    const early = setupInstructions({}, "https://x");
    expect(early).toContain("set channels.discord.application_id");
    expect(early).toContain('"https://discord.com/api/v10/applications/<APPLICATION_ID>/commands"');
  });
});
