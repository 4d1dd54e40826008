/** Builders for real Teams activity payloads and a hub wired to the Teams fake, shared by the Teams tests. */
import { expect } from "vitest";
import type { ChannelDriver, ChannelUnderTest, PlatformMessage } from "../../contracts/channel-contract.js";
import { waitFor } from "../../fakes/http.js";
import { startTeamsFake, TEAMS_TENANT, type TeamsFake, type TeamsMessage } from "../../fakes/teams-fake.js";
import { type HubHarness, startHubHarness } from "../../helpers/hub-harness.js";

type Json = Record<string, unknown>;

export const BOT_NAME = "openkoi";
export const TEAM_ID = "19:team-1@thread.tacv2";

/** A channel thread's conversation id, as Teams sends it (`;messageid=` names the thread's root post). */
export const conversationOf = (thread: string) => `19:${thread}@thread.tacv2;messageid=1690000000000`;
export const threadName = (conversationId: string) => conversationId.match(/^19:(.+?)@thread/)?.[1] ?? conversationId;

export function messageActivity(
  fake: TeamsFake,
  input: { text: string; id: string; thread: string; user?: string; mention?: boolean; personal?: boolean },
): Json {
  const user = input.user ?? "U_ALICE";
  const bot = { id: `28:${fake.appId || "bot"}`, name: BOT_NAME };
  const mention = input.mention ?? !input.personal;
  return {
    type: "message",
    id: input.id,
    timestamp: new Date().toISOString(),
    channelId: "msteams",
    serviceUrl: fake.serviceUrl,
    from: { id: `29:${user}`, name: `${user} Name`, aadObjectId: user },
    conversation: input.personal
      ? { id: `a:personal-${input.thread}`, conversationType: "personal", tenantId: TEAMS_TENANT }
      : { id: conversationOf(input.thread), conversationType: "channel", tenantId: TEAMS_TENANT, isGroup: true },
    recipient: bot,
    text: mention ? `<at>${BOT_NAME}</at> ${input.text}` : input.text,
    textFormat: "plain",
    entities: mention ? [{ type: "mention", text: `<at>${BOT_NAME}</at>`, mentioned: bot }] : [],
    channelData: input.personal
      ? { tenant: { id: TEAMS_TENANT } }
      : { tenant: { id: TEAMS_TENANT }, team: { id: TEAM_ID }, channel: { id: `19:${input.thread}@thread.tacv2` } },
  };
}

/** What Teams sends when the card's Action.Submit "Stop" is clicked: a message whose `value` is the button's data. */
export function stopActivity(fake: TeamsFake, input: { taskId: string; thread: string; cardId?: string; user?: string }): Json {
  const base = messageActivity(fake, { text: "", id: `submit-${input.taskId}`, thread: input.thread, user: input.user, mention: false });
  return { ...base, text: undefined, entities: undefined, replyToId: input.cardId, value: { action: "openkoi_stop", taskId: input.taskId } };
}

export async function postActivity(url: string, activity: Json, authorization?: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${url}/channels/teams/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(activity),
  });
  return { status: res.status, body: await res.text() };
}

const toPlatform = (m: TeamsMessage): PlatformMessage => ({ id: m.id, thread: threadName(m.conversationId), text: m.text });

export interface TeamsUnderTest extends ChannelUnderTest {
  fake: TeamsFake;
}

export async function startTeams(options: { allowUsers?: string[]; appId?: string; config?: Json } = {}): Promise<TeamsUnderTest> {
  const fake = await startTeamsFake(options.appId === undefined ? {} : { appId: options.appId });
  const table = fake.channelConfig({ ...(options.allowUsers ? { allow_users: options.allowUsers } : {}), ...options.config });
  let harness: HubHarness;
  try {
    harness = await startHubHarness({ channels: { teams: table } });
  } catch (error) {
    await fake.close();
    throw error;
  }
  const bearer = () => (fake.appId ? `Bearer ${fake.sign()}` : undefined);
  const driver: ChannelDriver = {
    mention: ({ text, deliveryId, user, thread }) => postActivity(harness.url, messageActivity(fake, { text, id: deliveryId, thread, user }), bearer()),
    forged: ({ text, deliveryId, thread }) => postActivity(harness.url, messageActivity(fake, { text, id: deliveryId, thread }), "Bearer not.a.jwt"),
    async stop(taskId, thread) {
      const card = fake.messages.find((m) => m.kind === "post" && threadName(m.conversationId) === thread);
      const res = await postActivity(harness.url, stopActivity(fake, { taskId, thread, cardId: card?.id }), bearer());
      if (res.status >= 300) throw new Error(`stop was answered ${res.status}: ${res.body}`);
    },
    posts: () => fake.messages.filter((m) => m.kind === "post").map(toPlatform),
    edits: () => fake.messages.filter((m) => m.kind === "edit").map(toPlatform),
  };
  return {
    harness,
    driver,
    fake,
    async close() {
      await harness.close();
      await fake.close();
    },
  };
}

export const tasksOf = (t: TeamsUnderTest) => t.harness.hub.store.listTasks({ limit: 50 }).tasks;
/** Calls the fake's Bot Connector (serviceUrl) received. */
export const connectorCalls = (t: TeamsUnderTest) => t.fake.requests.filter((r) => r.path.startsWith("/teams/"));

/** Mentions the bot (signed unless `authorization` is null), waits for the task and its end. */
export async function runOne(t: TeamsUnderTest, text: string, id: string, thread: string, authorization: string | null = `Bearer ${t.fake.sign()}`) {
  const res = await postActivity(t.harness.url, messageActivity(t.fake, { text, id, thread }), authorization ?? undefined);
  expect(res.status).toBe(200);
  const task = await waitFor(() => tasksOf(t)[0], 5000, "the task");
  return t.harness.settle(task.id);
}
