/** A real hub with `[channels.slack]` pointed at the Slack fake, plus a contract driver that names threads. */
import type { ChannelDriver, ChannelUnderTest, PlatformMessage } from "../../contracts/channel-contract.js";
import { waitFor } from "../../fakes/http.js";
import { nextTs, type SlackFake, type SlackMessage, startSlackFake } from "../../fakes/slack-fake.js";
import { type HubHarness, startHubHarness } from "../../helpers/hub-harness.js";

export interface SlackUnderTest extends ChannelUnderTest {
  slack: SlackFake;
  events: string;
  interactions: string;
  /** The Slack thread ts behind a driver thread name. */
  threadTs(name: string): string;
}

export async function startSlackHub(
  options: { allowUsers?: string[]; socketMode?: boolean; extra?: Record<string, unknown>; hubConfig?: Record<string, unknown>; now?: () => number } = {},
): Promise<SlackUnderTest> {
  const slack = await startSlackFake();
  if (options.socketMode) await slack.socket();
  const config: Record<string, unknown> = {
    bot_token: slack.botToken,
    api_url: slack.apiUrl,
    allow_users: options.allowUsers ?? [],
    ...(options.socketMode ? { app_token: slack.appToken } : { signing_secret: slack.signingSecret }),
    ...options.extra,
  };
  let harness: HubHarness;
  try {
    harness = await startHubHarness({ ...options.hubConfig, channels: { slack: config } }, {}, { now: options.now });
  } catch (error) {
    await slack.close();
    throw error;
  }
  const events = `${harness.url}/channels/slack/events`;
  const interactions = `${harness.url}/channels/slack/interactions`;
  const threads = new Map<string, string>();
  const payloads = new Map<string, Record<string, unknown>>();
  const threadTs = (name: string) => {
    const ts = threads.get(name) ?? nextTs();
    threads.set(name, ts);
    return ts;
  };
  const nameOf = (m: SlackMessage) => [...threads].find(([, ts]) => ts === m.threadTs)?.[0] ?? m.threadTs ?? m.channel;
  const view = (m: SlackMessage): PlatformMessage => ({ id: m.ts, thread: nameOf(m), text: m.visible });
  const mentionPayload = (input: { text: string; deliveryId: string; user?: string; thread: string }) => {
    const known = payloads.get(input.deliveryId);
    if (known) return known;
    const fresh = !threads.has(input.thread);
    const ts = threadTs(input.thread);
    const payload = slack.mentionPayload({ text: input.text, eventId: input.deliveryId, user: input.user, ...(fresh ? { ts } : { threadTs: ts }) });
    payloads.set(input.deliveryId, payload);
    return payload;
  };
  const driver: ChannelDriver = {
    mention: async (input) => ({ status: (await slack.deliver(events, mentionPayload(input))).status }),
    forged: async (input) => ({ status: (await slack.deliver(events, mentionPayload(input), { badSignature: true })).status }),
    async stop(taskId, thread) {
      const ts = threads.get(thread);
      const message = await waitFor(() => slack.posted.find((m) => m.threadTs === ts), 5000, "the progress message");
      const res = await slack.deliver(interactions, slack.stopActionPayload({ taskId, messageTs: message.ts }), { form: true });
      if (res.status !== 200) throw new Error(`Stop click answered ${res.status}: ${res.text}`);
    },
    posts: () => slack.posted.map(view),
    edits: () => slack.edits.map(view),
  };
  return {
    harness,
    driver,
    slack,
    events,
    interactions,
    threadTs,
    async close() {
      await harness.close();
      await slack.close();
    },
  };
}
