import { type ChannelDriver, channelContract, type PlatformMessage } from "../../contracts/channel-contract.js";
import { messageUpdate, type StoredMessage, stopUpdate, visibleText } from "../../fakes/telegram-fake.js";
import { startTelegramHub, type TelegramHub } from "./helpers.js";

/** Contract threads are group chats; deliveries are updates with stable update/message ids. */
function driverFor(hub: TelegramHub): ChannelDriver {
  const chats = new Map<string, number>();
  const deliveries = new Map<string, number>();
  const chatOf = (thread: string) => {
    if (!chats.has(thread)) chats.set(thread, -1001000000000 - chats.size);
    return chats.get(thread) as number;
  };
  const threadOf = (chatId: string) => [...chats].find(([, id]) => String(id) === chatId)?.[0] ?? chatId;
  const updateIdOf = (deliveryId: string) => {
    if (!deliveries.has(deliveryId)) deliveries.set(deliveryId, 500 + deliveries.size);
    return deliveries.get(deliveryId) as number;
  };
  /** A group's thread is a reply chain: later messages in a contract thread reply to its first one. */
  const roots = new Map<string, number>();
  const mentionUpdate = (input: { text: string; deliveryId: string; user?: string; thread: string }) => {
    const id = updateIdOf(input.deliveryId);
    const root = roots.get(input.thread) ?? id + 10;
    roots.set(input.thread, root);
    const replyTo = root === id + 10 ? {} : { replyTo: { message_id: root } };
    return messageUpdate(id, { chatId: chatOf(input.thread), messageId: id + 10, text: input.text, user: input.user, mention: true, ...replyTo });
  };
  const view = (m: StoredMessage): PlatformMessage => ({ id: `${m.chat_id}:${m.message_id}`, thread: threadOf(m.chat_id), text: visibleText(m) });
  return {
    mention: async (input) => ({ status: (await hub.deliver(mentionUpdate(input))).status }),
    forged: async (input) => ({ status: (await hub.deliver(mentionUpdate(input), "not-the-secret")).status }),
    async stop(taskId, thread) {
      const chatId = chatOf(thread);
      const shown = hub.fake.sent.find((m) => m.chat_id === String(chatId) && m.reply_markup?.inline_keyboard?.length);
      if (!shown) throw new Error(`no message with a Stop button in ${thread}`);
      const res = await hub.deliver(stopUpdate(updateIdOf(`stop-${taskId}`), { taskId, chatId, messageId: shown.message_id }));
      if (res.status !== 200) throw new Error(`Stop delivery answered ${res.status}`);
    },
    posts: () => hub.fake.sent.map(view),
    edits: () => hub.fake.edits.map(view),
  };
}

channelContract({
  name: "telegram",
  textLimit: 4096,
  ackDeadlineMs: 2000,
  async start({ allowUsers }) {
    const hub = await startTelegramHub({ allowUsers });
    return { harness: hub.harness, driver: driverFor(hub), close: () => hub.close() };
  },
});
