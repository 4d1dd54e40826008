import type { Activity, CloudAdapter, ConfigurationBotFrameworkAuthentication, TurnContext } from "botbuilder";
import type { Context } from "hono";
import { VerificationError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import { withoutConsoleErrors } from "./quiet.js";
import { activityProblem, authView } from "./schema.js";
import { verifyActivity } from "./verify.js";

export const MESSAGES_PATH = "/channels/teams/messages";

/** The Express-like response CloudAdapter.process writes to; turned into a Hono response afterwards. */
function responseShim() {
  return {
    statusCode: 200,
    body: undefined as unknown,
    socket: null,
    status(code: number) {
      this.statusCode = code;
      return this;
    },
    header() {
      return this;
    },
    send(body: unknown) {
      this.body = body;
      return this;
    },
    end() {
      return this;
    },
  };
}

export interface MessagesRoute {
  auth: Pick<ConfigurationBotFrameworkAuthentication, "authenticateRequest">;
  adapter: CloudAdapter;
  logic(turn: TurnContext): Promise<void>;
  logger?: Logger;
}

/** `POST /channels/teams/messages`: verify the JWT, run the turn (fast: parse + enqueue), answer with its status/invoke body. */
export function messagesHandler({ auth, adapter, logic, logger }: MessagesRoute): (c: Context) => Promise<Response> {
  return async (c) => {
    const body: unknown = await c.req.json().catch(() => undefined);
    if (!body || typeof body !== "object" || Array.isArray(body) || typeof (body as { type?: unknown }).type !== "string") {
      return c.json({ error: { code: "BAD_REQUEST", message: "Expected a Bot Framework activity (a JSON object with a type)." } }, 400);
    }
    const headers = Object.fromEntries(c.req.raw.headers);
    // The token is checked first, so a forgery is a 401 whatever its body; a signed but malformed activity is a 400
    // (the Bot Connector does not retry a 4xx), never a TypeError deep in botbuilder or in our parser.
    const problem = activityProblem(body);
    const checked = (problem ? authView(body as Record<string, unknown>) : body) as Activity;
    await verifyActivity(auth, checked, headers.authorization ?? "", logger);
    if (problem) return c.json({ error: { code: "INVALID_PAYLOAD", message: `The activity does not have the expected shape: ${problem}` } }, 400);
    const res = responseShim();
    // botbuilder turns a failing turn into a bare 500 (and prints it): rethrown here, the hub logs it once, with
    // its stack and the request id the response carries.
    let failure: unknown;
    const turn = async (context: TurnContext) => {
      try {
        await logic(context);
      } catch (error) {
        failure = error;
        throw error;
      }
    };
    await withoutConsoleErrors(() => adapter.process({ method: "POST", body: body as Record<string, unknown>, headers }, res, turn));
    if (failure !== undefined) throw failure;
    if (res.statusCode === 401)
      throw new VerificationError(`Teams: the activity was not authorized (${String(res.body ?? "no token")}); check channels.teams.app_id`);
    if (res.statusCode >= 500) throw new Error(`Teams: botbuilder answered ${res.statusCode}: ${String(res.body ?? "")}`);
    const status = res.statusCode as 200;
    if (res.body === undefined) return c.body(null, status);
    return typeof res.body === "string" ? c.text(res.body, status) : c.json(res.body, status);
  };
}
