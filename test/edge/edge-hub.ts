/**
 * One hub with every channel configured against its loopback fake, for the edge tests: each endpoint gets validly
 * signed requests in-process (`app.request()`), and the hub's log is kept in memory to assert on.
 */
import { createHmac, randomUUID } from "node:crypto";
import { discordConfig } from "../channels/discord/driver.js";
import { type DiscordFake, startDiscordFake } from "../fakes/discord-fake.js";
import { type GitHubTriggerFake, startGitHubTriggerFake } from "../fakes/github-trigger-fake.js";
import { type SlackFake, startSlackFake } from "../fakes/slack-fake.js";
import { startTeamsFake, type TeamsFake } from "../fakes/teams-fake.js";
import { BOT_TOKEN, startTelegramFake, type TelegramFake, WEBHOOK_SECRET } from "../fakes/telegram-fake.js";
import { tempDir } from "../helpers/cli.js";
import { type HubHarness, startHubHarness } from "../helpers/hub-harness.js";

export const GITHUB_SECRET = "gh-edge-secret";

export interface EdgeHub {
  harness: HubHarness;
  slack: SlackFake;
  discord: DiscordFake;
  teams: TeamsFake;
  telegram: TelegramFake;
  github: GitHubTriggerFake;
  /** Every line the hub logged (warn and above). */
  log: string[];
  /** One request, in-process. */
  send(path: string, body: string, headers: Record<string, string>): Promise<Response>;
  /** Signed as each platform signs `raw` (Slack HMAC, Discord Ed25519, Teams JWT, Telegram secret, GitHub HMAC). */
  signed: {
    slackJson(raw: string): Record<string, string>;
    slackForm(raw: string): Record<string, string>;
    discord(raw: string, timestamp?: number): Record<string, string>;
    teams(): Record<string, string>;
    telegram(): Record<string, string>;
    github(raw: string, event: string): Record<string, string>;
  };
  close(): Promise<void>;
}

export async function startEdgeHub(): Promise<EdgeHub> {
  const [slack, discord, teams, telegram, github] = await Promise.all([
    startSlackFake(),
    startDiscordFake(),
    startTeamsFake(),
    startTelegramFake(),
    startGitHubTriggerFake(),
  ]);
  const log: string[] = [];
  const channels = {
    slack: { bot_token: slack.botToken, api_url: slack.apiUrl, signing_secret: slack.signingSecret },
    discord: discordConfig(discord, { gateway: false }),
    teams: teams.channelConfig(),
    telegram: { bot_token: BOT_TOKEN, webhook_secret: WEBHOOK_SECRET, api_root: telegram.url },
    github: { webhook_secret: GITHUB_SECRET, token: github.token, api_url: github.url, data_dir: tempDir("gh-edge") },
  };
  const harness = await startHubHarness({ channels }, {}, { logWrite: (line) => void log.push(line) });
  // Tasks that do get queued wait: the fuzz is about the edge, not about running thousands of agents.
  harness.hold();
  const teamsToken = `Bearer ${teams.sign()}`;
  return {
    harness,
    slack,
    discord,
    teams,
    telegram,
    github,
    log,
    send: (path, body, headers) => Promise.resolve(harness.server.app.request(path, { method: "POST", body, headers })),
    signed: {
      slackJson: (raw) => ({ "content-type": "application/json", ...slack.sign(raw) }),
      slackForm: (raw) => ({ "content-type": "application/x-www-form-urlencoded", ...slack.sign(raw) }),
      discord: (raw, timestamp) => discord.signedHeaders(raw, timestamp),
      teams: () => ({ "content-type": "application/json", authorization: teamsToken }),
      telegram: () => ({ "content-type": "application/json", "x-telegram-bot-api-secret-token": WEBHOOK_SECRET }),
      github: (raw, event) => ({
        "content-type": "application/json",
        "x-github-event": event,
        "x-github-delivery": randomUUID(),
        "x-hub-signature-256": `sha256=${createHmac("sha256", GITHUB_SECRET).update(raw).digest("hex")}`,
      }),
    },
    async close() {
      await harness.close();
      await Promise.all([slack.close(), discord.close(), teams.close(), telegram.close(), github.close()]);
    },
  };
}

/** Log lines at ERROR: a 5xx, or anything else the hub could not handle. */
export const errorLines = (log: string[]) => log.filter((line) => / ERROR /.test(line));
