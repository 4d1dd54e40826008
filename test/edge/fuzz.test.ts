/**
 * Fuzz per endpoint: thousands of mutated, validly signed bodies (seeded, so every run sends the same ones), sent
 * in-process. Whatever the body, the answer is never a 5xx and the hub logs no error.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { messageActivity, stopActivity } from "../channels/teams/helpers.js";
import { interaction } from "../fakes/discord-fake.js";
import { issueCommentPayload, reviewCommentPayload } from "../fakes/github-trigger-fake.js";
import { messageUpdate, stopUpdate } from "../fakes/telegram-fake.js";
import { mutate, seededRandom, toJsonText } from "../helpers/mutate.js";
import { type EdgeHub, errorLines, startEdgeHub } from "./edge-hub.js";

const PER_ENDPOINT = 2000;

let edge: EdgeHub;
beforeAll(async () => {
  edge = await startEdgeHub();
}, 30_000);
afterAll(async () => {
  await edge?.close();
});

interface Endpoint {
  path: string;
  /** A fresh, valid payload (unique ids), the thing the mutator starts from. */
  base(i: number): unknown;
  /** The raw body and its signed headers. */
  encode(body: unknown, i: number): { raw: string; headers: Record<string, string> };
}

const json = (sign: (raw: string) => Record<string, string>) => (body: unknown) => {
  const raw = toJsonText(body);
  return { raw, headers: sign(raw) };
};

/** Sends PER_ENDPOINT mutated bodies; returns how many got each status. */
async function fuzz(endpoint: Endpoint, seed: number): Promise<Record<number, number>> {
  const rng = seededRandom(seed);
  edge.log.length = 0;
  // The real payloads the mutator starts from are accepted as they are: the schemas refuse only what is broken.
  for (let i = 0; i < 3; i++) {
    const { raw, headers } = endpoint.encode(endpoint.base(i), i);
    const res = await edge.send(endpoint.path, raw, headers);
    expect(res.status, `unmutated ${endpoint.path} #${i}: ${await res.text()}`).toBeLessThan(300);
  }
  const statuses: Record<number, number> = {};
  const fivexx: string[] = [];
  for (let i = 0; i < PER_ENDPOINT; i++) {
    // Most bodies reuse one delivery id (parsed, then deduplicated: cheap); one in 20 is new and may queue a task.
    const { raw, headers } = endpoint.encode(mutate(endpoint.base(i % 20 === 0 ? i : i % 3), rng), i);
    const res = await edge.send(endpoint.path, raw, headers);
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    const text = await res.text();
    if (res.status >= 500 && fivexx.length < 3) fivexx.push(`${res.status} ${text} ← ${raw.slice(0, 300)}`);
  }
  expect(fivexx).toEqual([]);
  expect(errorLines(edge.log)).toEqual([]);
  return statuses;
}

const ok = (statuses: Record<number, number>) => Object.entries(statuses).filter(([s]) => Number(s) < 300).length > 0;

describe("fuzzed, validly signed bodies never get a 5xx", () => {
  it("Slack Events API", { timeout: 120_000 }, async () => {
    const s = edge.slack;
    const kinds = [
      (i: number) => s.mentionPayload({ text: "fix the build", eventId: `EvF${i}` }),
      (i: number) => s.threadReplyPayload({ text: "and the docs", eventId: `EvT${i}`, threadTs: "1700000000.000001" }),
      (i: number) => s.directMessagePayload({ text: "hello", eventId: `EvD${i}` }),
      (i: number) => s.reactionPayload({ eventId: `EvR${i}`, messageTs: "1700000000.000002" }),
      () => ({ type: "url_verification", challenge: "c", token: "t" }),
    ];
    const statuses = await fuzz({ path: "/channels/slack/events", base: (i) => kinds[i % kinds.length]?.(i), encode: json(edge.signed.slackJson) }, 1);
    expect(ok(statuses)).toBe(true);
  });

  it("Slack interactivity", { timeout: 120_000 }, async () => {
    const encode = (body: unknown) => {
      const raw = new URLSearchParams({ payload: toJsonText(body) }).toString();
      return { raw, headers: edge.signed.slackForm(raw) };
    };
    const base = (i: number) => edge.slack.stopActionPayload({ taskId: `task-${i}`, messageTs: "1700000000.000003" });
    expect(ok(await fuzz({ path: "/channels/slack/interactions", base, encode }, 2))).toBe(true);
  });

  it("Discord interactions", { timeout: 120_000 }, async () => {
    const kinds = [
      (i: number) => interaction({ id: `9${i}`, type: 2, data: { name: "koi", type: 1, options: [{ name: "task", type: 3, value: "fix it" }] } }),
      (i: number) => interaction({ id: `8${i}`, type: 3, data: { custom_id: `openkoi_stop:task-${i}`, component_type: 2 } }),
      (i: number) => ({ type: 1, id: `7${i}`, application_id: "1", token: "t", version: 1 }),
    ];
    const base = (i: number) => kinds[i % kinds.length]?.(i);
    expect(ok(await fuzz({ path: "/channels/discord/interactions", base, encode: json(edge.signed.discord) }, 3))).toBe(true);
  });

  it("Teams messages", { timeout: 120_000 }, async () => {
    const t = edge.teams;
    const kinds = [
      (i: number) => messageActivity(t, { text: "fix the build", id: `m-${i}`, thread: "fuzz" }),
      (i: number) => messageActivity(t, { text: "hi", id: `p-${i}`, thread: "dm", personal: true }),
      (i: number) => stopActivity(t, { taskId: `task-${i}`, thread: "fuzz" }),
    ];
    const base = (i: number) => kinds[i % kinds.length]?.(i);
    const encode = (body: unknown) => ({ raw: toJsonText(body), headers: edge.signed.teams() });
    expect(ok(await fuzz({ path: "/channels/teams/messages", base, encode }, 4))).toBe(true);
  });

  it("Telegram webhook", { timeout: 120_000 }, async () => {
    const kinds = [
      (i: number) => messageUpdate(i, { text: "fix the build", chatId: -100, messageId: i, mention: true }),
      (i: number) => messageUpdate(i, { text: "hello", chatId: 42, messageId: i, chatType: "private" }),
      (i: number) => stopUpdate(i, { taskId: `task-${i}`, chatId: -100, messageId: i }),
    ];
    const base = (i: number) => kinds[i % kinds.length]?.(i + 1);
    const encode = (body: unknown) => ({ raw: toJsonText(body), headers: edge.signed.telegram() });
    expect(ok(await fuzz({ path: "/channels/telegram/webhook", base, encode }, 5))).toBe(true);
  });

  it("GitHub webhook", { timeout: 120_000 }, async () => {
    const g = edge.github;
    const events = ["issue_comment", "pull_request_review_comment", "issues"];
    const kinds = [
      (i: number) => issueCommentPayload({ repo: g.repo, cloneUrl: g.cloneUrl, issue: 12, body: "@openkoi fix it", commentId: i }),
      (i: number) => reviewCommentPayload({ repo: g.repo, cloneUrl: g.cloneUrl, number: 3, headRef: "openkoi/12-x", body: "@openkoi also this", commentId: i }),
      (i: number) => ({ ...issueCommentPayload({ repo: g.repo, cloneUrl: g.cloneUrl, issue: i, body: "" }), action: "labeled", label: { name: "openkoi" } }),
    ];
    const base = (i: number) => kinds[i % kinds.length]?.(i + 1);
    const encode = (body: unknown, i: number) => {
      const raw = toJsonText(body);
      return { raw, headers: edge.signed.github(raw, events[i % events.length] ?? "issues") };
    };
    expect(ok(await fuzz({ path: "/channels/github/webhook", base, encode }, 6))).toBe(true);
  });

  it("REST API POST /api/v1/tasks", { timeout: 120_000 }, async () => {
    const base = (i: number) => ({
      description: `task ${i}`,
      max_iterations: 2,
      quality_threshold: 0.5,
      model: "openai/gpt-4.1",
      metadata: { ticket: `T-${i}`, tags: ["a", "b"], nested: { level: { deeper: true } } },
    });
    const encode = (body: unknown) => ({ raw: toJsonText(body), headers: { "content-type": "application/json" } });
    expect(ok(await fuzz({ path: "/api/v1/tasks", base, encode }, 7))).toBe(true);
  });
});
