import { describe, expect, it } from "vitest";
import { cardActivity, escapeCardText, renderCard, textActivity } from "../../../src/channels/teams/render.js";
import type { RichMessage } from "../../../src/core/rich-message.js";

const running: RichMessage = {
  title: "Working on it: fix *all* the [bugs](http://evil.example)",
  status: "running",
  progress: "iteration 1/3 · $0.01",
  fields: [
    { label: "Cost", value: "$0.01" },
    { label: "Files changed", value: "1: src/my_file_name.ts" },
  ],
  sections: [
    { kind: "text", text: "1. read the code\n2. fix it" },
    { kind: "code", text: "const x = `y`;" },
  ],
  buttons: [{ id: "openkoi_stop", label: "Stop", value: "task-123", style: "danger" }],
  fallback: "Working on it: fix all the bugs — iteration 1/3",
};

describe("teams render", () => {
  it("renders an Adaptive Card: coloured header container, FactSet, text sections, Action.Submit Stop", () => {
    const card = renderCard(running);
    expect(card).toMatchObject({ type: "AdaptiveCard", version: "1.5", fallbackText: running.fallback, msteams: { width: "Full" } });
    const body = card.body as Array<Record<string, unknown>>;
    expect(body.map((e) => e.type)).toEqual(["Container", "FactSet", "TextBlock", "TextBlock"]);
    expect(body[0]).toMatchObject({
      style: "warning",
      items: [
        { type: "TextBlock", weight: "Bolder", color: "Warning" },
        { type: "TextBlock", text: "iteration 1/3 · $0.01", isSubtle: true },
      ],
    });
    expect(body[1]).toEqual({
      type: "FactSet",
      facts: [
        { title: "Cost", value: "$0.01" },
        { title: "Files changed", value: "1: src/my\\_file\\_name.ts" },
      ],
    });
    expect(body[3]).toMatchObject({ fontType: "Monospace", text: "const x = \\`y\\`;" });
    expect(card.actions).toEqual([{ type: "Action.Submit", title: "Stop", style: "destructive", data: { action: "openkoi_stop", taskId: "task-123" } }]);
  });

  it("maps each status to its colour style and drops the actions when there are no buttons", () => {
    const styleOf = (status: RichMessage["status"]) => (renderCard({ ...running, status, buttons: [] }).body as Array<Record<string, unknown>>)[0]?.style;
    expect([styleOf("running"), styleOf("passed"), styleOf("failed"), styleOf("cancelled")]).toEqual(["warning", "good", "attention", "attention"]);
    expect(renderCard({ ...running, buttons: [] })).not.toHaveProperty("actions");
  });

  it("escapes user and model text so Teams Markdown shows it literally", () => {
    const title = (renderCard(running).body as Array<{ items: Array<{ text: string }> }>)[0]?.items[0]?.text ?? "";
    expect(title).toBe("Working on it: fix \\*all\\* the \\[bugs\\]\\(http://evil.example\\)");
    expect(escapeCardText("- item\n  + sub\n3. third\n{{DATE(2017-02-14T06:08:39Z, SHORT)}} <at>x</at> a-b \\")).toBe(
      "\\- item\n  \\+ sub\n3\\. third\n{\u200b{DATE\\(2017-02-14T06:08:39Z, SHORT\\)}} \\<at\\>x\\</at\\> a-b \\\\",
    );
    const plan = (renderCard(running).body as Array<{ text?: string }>)[2]?.text;
    expect(plan).toBe("1\\. read the code\n\n2\\. fix it");
  });

  it("sends the card as the only attachment with the fallback as summary, and text as plain text", () => {
    const activity = cardActivity(running);
    expect(activity).toMatchObject({ type: "message", summary: running.fallback, attachments: [{ contentType: "application/vnd.microsoft.card.adaptive" }] });
    expect(activity.attachments).toHaveLength(1);
    expect(textActivity("**not bold**")).toEqual({ type: "message", text: "**not bold**", textFormat: "plain" });
  });
});
