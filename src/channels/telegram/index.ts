import type { Api } from "grammy";
import type { Update } from "grammy/types";
import type { Hono } from "hono";
import { errorMessage, OpenKoiError } from "../../core/errors.js";
import { createLogger, type Logger } from "../../core/logger.js";
import { isAllowed } from "../policy.js";
import type { ChannelAdapter, ChannelContext, ChannelKv, ThreadApi } from "../types.js";
import { call, createThreadApi, createThreadMemory, inspectingFetch, type ThreadMemory } from "./api.js";
import { parseTelegramConfig, type TelegramConfig } from "./config.js";
import { createIdentity, type Identity } from "./identity.js";
import { CHANNEL, parseUpdate, type TelegramEvent } from "./parse.js";
import { createPoller } from "./polling.js";
import { checkUpdate } from "./schema.js";
import { SECRET_HEADER, verifySecretToken } from "./verify.js";

export const WEBHOOK_PATH = `/channels/${CHANNEL}/webhook`;

function memoryKv(): ChannelKv {
  const values = new Map<string, string>();
  return { get: (key) => values.get(key), set: (key, value) => void values.set(key, value) };
}

interface HandlerDeps {
  ctx: ChannelContext;
  api: Api;
  threadApi: ThreadApi;
  memory: ThreadMemory;
  identity: Identity;
  logger: Logger;
}

/** Parse → `ctx.receive` (local and fast) → done; the caller acks. A Stop press cancels only the task its message shows. */
function createUpdateHandler(deps: HandlerDeps): (update: Update) => Promise<void> {
  const { ctx, api, logger } = deps;
  const answer = (id: string, text: string) =>
    void api.answerCallbackQuery(id, { text }).catch((e: unknown) => logger.warn(`telegram: answerCallbackQuery: ${errorMessage(e)}`));
  const stop = (event: Extract<TelegramEvent, { kind: "stop" }>) => {
    if (!isAllowed(ctx.policy, event.user, event.places)) return answer(event.callbackQueryId, "You are not allowed to stop openkoi tasks here.");
    const shown = event.messageRef ? ctx.taskForMessage(CHANNEL, event.messageRef) : undefined;
    if (shown !== event.taskId) return answer(event.callbackQueryId, "This button does not belong to a task of this message.");
    const cancelled = ctx.cancelTask(event.taskId, `stopped by ${event.userName}`);
    answer(event.callbackQueryId, cancelled ? "Stopping…" : "Nothing to stop: the task has already finished.");
  };
  return async (body) => {
    const checked = checkUpdate(body);
    if ("problem" in checked) return logger.warn(`telegram: ignored update ${body.update_id}: unexpected shape at ${checked.problem}`);
    const { update } = checked;
    const me = deps.identity.cached();
    // Without the bot's username a group mention cannot be told apart: hold the update until getMe answers.
    if (!me) return deps.identity.hold(update);
    const event = parseUpdate(update, me, deps.memory.rootOf);
    if (event.kind === "message") await ctx.receive(event.message, deps.threadApi);
    else if (event.kind === "stop") stop(event);
  };
}

function mountWebhook(app: Hono, secret: string, handle: (update: Update) => Promise<void>): void {
  app.post(WEBHOOK_PATH, async (c) => {
    verifySecretToken(c.req.header(SECRET_HEADER), secret);
    let update: Update | undefined;
    try {
      update = JSON.parse(await c.req.text()) as Update;
    } catch {
      update = undefined;
    }
    if (typeof update?.update_id !== "number" || !Number.isSafeInteger(update.update_id)) {
      return c.json({ error: { code: "BAD_REQUEST", message: "Expected a Telegram Update (JSON with update_id)." } }, 400);
    }
    await handle(update);
    return c.body(null, 200);
  });
}

async function check(config: TelegramConfig, api: Api): Promise<string> {
  const me = await call("getMe", () => api.getMe());
  const who = `@${me.username} (id ${me.id})`;
  if (config.mode === "polling") return `${who}, long polling ${config.api_root}`;
  const info = await call("getWebhookInfo", () => api.getWebhookInfo());
  if (!info.url) throw new OpenKoiError("CHANNEL_NOT_SET_UP", `${who} has no webhook, so Telegram delivers nothing: run \`openkoi setup telegram\``);
  const lastError = info.last_error_message ? `; Telegram's last delivery error: ${info.last_error_message}` : "";
  return `${who}, webhook ${info.url}, ${info.pending_update_count} pending${lastError}`;
}

/** Webhook mode's start: getMe checks the token (401 → failed; down → retried), then the held updates run. */
async function warmUp(identity: Identity, handle: (update: Update) => Promise<void>): Promise<void> {
  await identity.fetch();
  await identity.drain(handle);
}

/** The Telegram channel: webhook (secret-token header) or long polling, answered with one live HTML message per task. */
export async function createChannel(rawConfig: unknown, ctx: ChannelContext): Promise<ChannelAdapter> {
  const config = parseTelegramConfig(rawConfig);
  const grammy = await import("grammy");
  // Outbound calls are short; long polls ask for 30 s, so this leaves room for both.
  const client = { apiRoot: config.api_root, timeoutSeconds: 60, fetch: inspectingFetch() };
  const api = new grammy.Api(config.bot_token, client);
  const memory = createThreadMemory();
  const threadApi = createThreadApi(api, memory);
  const logger = ctx.logger ?? createLogger();
  const identity = createIdentity(api, ctx.kv ?? memoryKv(), config.bot_token.split(":")[0] ?? "", logger);
  const handle = createUpdateHandler({ ctx, api, threadApi, memory, identity, logger });
  const adapter: ChannelAdapter = { name: CHANNEL, api: threadApi, check: () => check(config, api) };
  if (config.mode === "webhook") {
    const secret = config.webhook_secret ?? "";
    return { ...adapter, mount: (app) => mountWebhook(app, secret, handle), start: () => warmUp(identity, handle) };
  }
  const poller = createPoller({
    Bot: grammy.Bot,
    token: config.bot_token,
    client,
    identity: () => identity.fetch(),
    handle,
    logger,
    minIntervalMs: config.poll_min_interval_ms,
  });
  return { ...adapter, start: poller.start, stop: poller.stop };
}
