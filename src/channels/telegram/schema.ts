import type { Update } from "grammy/types";
import { z } from "zod";

/**
 * The fields of a Bot API update that parse.ts reads, checked after the secret token (webhook) or as polled. A signed
 * update without `chat`, or with a numeric `text`, is ignored (and logged), not a TypeError: Telegram retries every
 * non-2xx delivery and holds back the updates behind it, so the webhook answers 200 even to what it cannot read.
 */
const int = z.number().int();
const entity = z.object({ type: z.string(), offset: int.min(0), length: int.min(0), user: z.object({ id: int }).loose().optional() }).loose();
const chat = z.object({ id: int, type: z.string() }).loose();
const sender = z.object({ id: int, is_bot: z.boolean().optional(), username: z.string().optional(), first_name: z.string().optional() }).loose();
const message = z
  .object({
    message_id: int,
    chat,
    from: sender.optional(),
    sender_chat: z.object({ id: int }).loose().optional(),
    text: z.string().optional(),
    caption: z.string().optional(),
    entities: z.array(entity).optional(),
    caption_entities: z.array(entity).optional(),
    is_topic_message: z.boolean().optional(),
    message_thread_id: int.optional(),
    reply_to_message: z.object({ message_id: int, from: sender.optional() }).loose().optional(),
  })
  .loose();
const callbackQuery = z
  .object({
    id: z.string(),
    data: z.string().optional(),
    from: sender.extend({ first_name: z.string() }),
    message: z
      .object({ message_id: int, chat: z.object({ id: int }).loose(), is_topic_message: z.boolean().optional(), message_thread_id: int.optional() })
      .loose()
      .optional(),
  })
  .loose();
const update = z.object({ update_id: int, message: message.optional(), callback_query: callbackQuery.optional() }).loose();

/** The update as grammY types it when its used fields have their shape; otherwise why not. */
export function checkUpdate(body: unknown): { update: Update } | { problem: string } {
  const result = update.safeParse(body);
  if (result.success) return { update: body as Update };
  const issue = result.error.issues[0];
  return { problem: `${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}` };
}
