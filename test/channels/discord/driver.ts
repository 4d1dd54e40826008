/** Drives the Discord fake the way Discord would, and reads back what the hub sent, named by contract threads. */
import type { ChannelDriver, ChannelUnderTest, PlatformMessage } from "../../contracts/channel-contract.js";
import { BOT_ID, type DiscordFake, HUMAN, interaction, type StoredMessage, startDiscordFake, userMessage, visibleText } from "../../fakes/discord-fake.js";
import { waitFor } from "../../fakes/http.js";
import { startHubHarness } from "../../helpers/hub-harness.js";

export function discordConfig(fake: DiscordFake, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { bot_token: fake.token, application_id: fake.applicationId, public_key: fake.publicKeyHex, api_url: fake.apiUrl, ...extra };
}

/** A bot message as Discord sends it inside a reply (`referenced_message`). */
function botMessage(m: StoredMessage): Record<string, unknown> {
  return {
    id: m.id,
    channel_id: m.channel_id,
    author: { id: BOT_ID, username: "koibot", discriminator: "0", bot: true },
    content: "",
    message_reference: m.body.message_reference,
    type: m.body.message_reference ? 19 : 0,
    timestamp: new Date().toISOString(),
    mentions: [],
    embeds: [],
    attachments: [],
  };
}

export function createDriver(fake: DiscordFake, hubUrl: () => string): ChannelDriver {
  const messageIds = new Map<string, string>();
  const threadOfTrigger = new Map<string, string>();
  const threadOf = (m: StoredMessage): string => {
    const original = fake.posts.find((p) => p.id === m.id) ?? m;
    const ref = (original.body.message_reference as { message_id?: string } | undefined)?.message_id;
    return (ref && threadOfTrigger.get(ref)) || original.channel_id;
  };
  const view = (m: StoredMessage): PlatformMessage => ({ id: m.id, thread: threadOf(m), text: visibleText(m.body) });
  return {
    async mention({ text, deliveryId, user, thread }) {
      const known = messageIds.get(deliveryId);
      const id = known ?? fake.nextId();
      // In a channel each mention starts its own thread; writing again in a thread means replying to the bot there.
      const continues = !known && [...threadOfTrigger.values()].includes(thread);
      const answer = continues ? await waitFor(() => fake.posts.find((p) => threadOf(p) === thread), 5000, `the bot's message in ${thread}`) : undefined;
      messageIds.set(deliveryId, id);
      threadOfTrigger.set(id, thread);
      const author = user ? { ...HUMAN, id: user, username: user } : HUMAN;
      const replyTo = answer ? { replyTo: botMessage(answer) } : {};
      await fake.dispatch("MESSAGE_CREATE", userMessage({ id, content: `<@${BOT_ID}> ${text}`, mentionBot: true, author, ...replyTo }));
      return {};
    },
    async forged({ text }) {
      const body = interaction({ id: fake.nextId(), type: 2, data: { name: "koi", type: 1, options: [{ name: "task", type: 3, value: text }] } });
      const { status } = await fake.interact(hubUrl(), body, { tamper: true });
      return { status };
    },
    async stop(taskId, thread) {
      const message = fake.posts.find((p) => threadOf(p) === thread && Array.isArray(p.body.components));
      const body = interaction({
        id: fake.nextId(),
        type: 3,
        data: { custom_id: `openkoi_stop:${taskId}`, component_type: 2 },
        message: { id: message?.id, channel_id: message?.channel_id },
      });
      const res = await fake.interact(hubUrl(), body);
      if (res.status !== 200) throw new Error(`stop click answered ${res.status} ${JSON.stringify(res.json)}`);
    },
    posts: () => fake.posts.map(view),
    edits: () => fake.edits.map(view),
  };
}

export async function startDiscordHub(
  options: { allowUsers?: string[]; extra?: Record<string, unknown> } = {},
): Promise<ChannelUnderTest & { fake: DiscordFake }> {
  const fake = await startDiscordFake();
  const policy = options.allowUsers ? { allow_users: options.allowUsers } : {};
  const harness = await startHubHarness({ channels: { discord: discordConfig(fake, { ...policy, ...options.extra }) } });
  return {
    fake,
    harness,
    driver: createDriver(fake, () => harness.url),
    async close() {
      await harness.close();
      await fake.close();
    },
  };
}
