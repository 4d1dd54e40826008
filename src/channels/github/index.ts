import type { Context, Hono } from "hono";
import { errorMessage } from "../../core/errors.js";
import { isAllowed } from "../policy.js";
import type { ChannelAdapter, ChannelContext, InboundMessage } from "../types.js";
import { createGitHubApi, type GitHubThreadApi } from "./api.js";
import { createGitHubAuth } from "./auth.js";
import { type GitHubChannelConfig, parseGitHubConfig } from "./config.js";
import { createGate, type GitHubGate } from "./gate.js";
import { parseDelivery } from "./parse.js";
import { call, createClient, githubError } from "./rest.js";
import { createSession } from "./session.js";
import { createVerifier } from "./verify.js";

export type { GitHubChannelConfig } from "./config.js";
export { setupInstructions } from "./setup.js";

export const WEBHOOK_PATH = "/channels/github/webhook";

/** `@openkoi stop` is handled here rather than by `ctx.receive`: the gate has already checked the repository permission. */
function stopFromComment(ctx: ChannelContext, message: InboundMessage): "stopping" | "nothing to stop" {
  if (!isAllowed(ctx.policy, message.user, message.places)) return "nothing to stop";
  const taskId = ctx.activeTaskInThread("github", message.thread);
  if (!taskId) return "nothing to stop";
  ctx.cancelTask(taskId, `stopped by ${message.user} on GitHub`);
  return "stopping";
}

/** Unreachable permission API: nothing happened, and GitHub's "Recent Deliveries" shows a failure that can be redelivered. */
function uncheckable(c: Context, ctx: ChannelContext, error: unknown): Response {
  const message = `Could not check the commenter's permission, so nothing was run (${errorMessage(error)}). Redeliver this delivery once GitHub answers.`;
  ctx.logger?.warn(`github: ${message}`);
  c.header("Retry-After", "60");
  return c.json({ error: { code: "UPSTREAM", message } }, 503);
}

function mountWebhook(app: Hono, deps: { ctx: ChannelContext; gate: GitHubGate; config: GitHubChannelConfig; api: GitHubThreadApi }): void {
  const verify = createVerifier(deps.config.webhook_secret);
  app.post(WEBHOOK_PATH, async (c: Context) => {
    const raw = await c.req.text();
    await verify(raw, c.req.header("x-hub-signature-256"));
    const event = c.req.header("x-github-event");
    const delivery = c.req.header("x-github-delivery");
    if (!event || !delivery) return c.json({ error: { code: "BAD_REQUEST", message: "X-GitHub-Event and X-GitHub-Delivery are required." } }, 400);
    if (event === "ping") return c.json({ ok: true, pong: true });
    let payload: unknown;
    try {
      payload = JSON.parse(raw);
    } catch {
      return c.json({ error: { code: "BAD_REQUEST", message: "The webhook body is not JSON: set the webhook's content type to application/json." } }, 400);
    }
    const parsed = parseDelivery(event, delivery, payload, deps.config);
    if (parsed.kind === "ignore" && parsed.invalid) return c.json({ error: { code: "INVALID_PAYLOAD", message: parsed.reason } }, 400);
    if (parsed.kind === "ignore") return c.json({ ok: true, ignored: parsed.reason });
    // The first line of defence: below min_permission nothing visible happens (no reaction, comment or task row).
    let standing: Awaited<ReturnType<GitHubGate["admit"]>>;
    try {
      standing = await deps.gate.admit(parsed.message, parsed.association);
    } catch (error) {
      return uncheckable(c, deps.ctx, error);
    }
    if (!standing.admitted) return c.json({ ok: true, ignored: standing.reason, explained: deps.gate.explain(parsed.message, deps.api) });
    if (parsed.stop) {
      const outcome = stopFromComment(deps.ctx, parsed.message);
      return c.json({ ok: true, outcome }, outcome === "stopping" ? 202 : 200);
    }
    const outcome = await deps.ctx.receive(parsed.message, deps.api);
    return c.json({ ok: true, outcome: outcome.kind }, outcome.kind === "queued" ? 202 : 200);
  });
}

/** The GitHub issue-comment trigger: webhook in, tracking comment out, a branch and a pull request per issue. */
export async function createChannel(raw: unknown, ctx: ChannelContext): Promise<ChannelAdapter> {
  const config = parseGitHubConfig(raw, ctx.dataDir);
  const auth = createGitHubAuth(config);
  const client = createClient(config, auth);
  const api = createGitHubApi(client, config.trigger);
  const session = createSession({ config, client, api, auth });
  return {
    name: "github",
    api,
    mount: (app) => mountWebhook(app, { ctx, gate: createGate({ config, client, ctx }), config, api }),
    prepare: session.prepare,
    finish: session.finish,
    async check() {
      if (auth.mode === "app") return auth.describeApp();
      const octokit = await client("");
      try {
        const { data } = await octokit.rest.users.getAuthenticated();
        return `GitHub: authenticated as ${data.login} at ${config.api_url}`;
      } catch (error) {
        // Installation tokens cannot read /user; the rate-limit endpoint still proves the token works.
        if ((error as { status?: unknown }).status !== 403) throw githubError(error, "check the token");
        await call("check the token", () => octokit.rest.rateLimit.get());
        return `GitHub: token accepted (installation token) at ${config.api_url}`;
      }
    },
  };
}

/** GitHub tasks must edit files to open a pull request: write is granted unless the table says otherwise. */
export const policyDefaults = { tools: ["read", "write"] };
