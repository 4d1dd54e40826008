/**
 * The built `openkoi serve` with planted secrets (its environment, a credentials file, a file in $HOME): a task's
 * `run_command` that reads /proc, $HOME, <openkoi home> and <data> gets nothing of the hub's, for an API, a Slack
 * and a GitHub task; neither the stored events, the SSE stream nor the database file carry a secret.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { deliver, type GitHubTriggerFake, issueCommentPayload, startGitHubTriggerFake } from "../fakes/github-trigger-fake.js";
import { waitFor } from "../fakes/http.js";
import { type ModelFake, startOpenAIFake } from "../fakes/openai-fake.js";
import { type SlackFake, startSlackFake } from "../fakes/slack-fake.js";
import { cleanEnv, tempDir } from "../helpers/cli.js";
import { loopScript } from "../helpers/scripted-model.js";
import { freePort, type ServeProcess, startServe } from "../helpers/serve-process.js";
import { readSse } from "../helpers/sse.js";

const ENV_SECRET = "planted-env-secret-5f1c0e";
const FILE_SECRET = "planted-credential-9a7e44";
const HOME_MARKER = ".planted-home-file";

let model: ModelFake | undefined;
let serve: ServeProcess | undefined;
let slack: SlackFake | undefined;
let gh: GitHubTriggerFake | undefined;
const homes: string[] = [];
afterEach(async () => {
  await serve?.stop();
  await Promise.all([model?.close(), slack?.close(), gh?.close()]);
  serve = model = slack = gh = undefined;
  for (const dir of homes.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface LeakyHub {
  url: string;
  home: string;
  data: string;
  /** Every value the sandboxed command must not see. */
  secrets: string[];
}

/** `serve` whose environment, credentials dir and $HOME hold planted secrets; the model runs `command(hub)`. */
async function startLeakyHub(toml: string, command: (hub: Omit<LeakyHub, "url" | "secrets">) => string, secrets: string[] = []): Promise<LeakyHub> {
  model = await startOpenAIFake();
  // $HOME, <openkoi home> and <data> (OPENKOI_DATA, apart) outside /tmp: the private /tmp must not be what hides them.
  const userHome = mkdtempSync(join("/var/tmp", "openkoi-leak-home-"));
  const data = mkdtempSync(join("/var/tmp", "openkoi-leak-data-"));
  homes.push(userHome, data);
  const home = join(userHome, ".openkoi");
  const keys = { OPENAI_API_KEY: `sk-${ENV_SECRET}`, OPENAI_BASE_URL: model.baseURL, OPENKOI_TEST_SECRET: ENV_SECRET };
  const env = { ...cleanEnv(keys), HOME: userHome, OPENKOI_HOME: home, OPENKOI_DATA: data };
  mkdirSync(join(home, "credentials"), { recursive: true });
  writeFileSync(join(home, "credentials", "planted.key"), FILE_SECRET);
  writeFileSync(join(userHome, HOME_MARKER), "x");
  model.respondWith(
    loopScript({
      execute: () => ({ toolCalls: [{ name: "run_command", input: { command: command({ home, data }) } }] }),
      judge: (_n, dims) => ({ scores: Object.fromEntries(dims.map((d) => [d, 9])) }),
      summary: "Looked around.",
    }),
  );
  const port = await freePort();
  const workspace = tempDir("leak-ws");
  const config = `[models]\nexecutor = "openai/gpt-4.1"\n[api]\nport = ${port}\n[server]\nworkspace = "${workspace}"\n[evaluation]\nrun_tests = false\n${toml}`;
  serve = await startServe({ home, port, toml: config, env });
  return { url: serve.url, home, data, secrets: [ENV_SECRET, FILE_SECRET, HOME_MARKER, ...secrets] };
}

const PROBE = ({ home, data }: { home: string; data: string }) =>
  `tr '\\0' '\\n' </proc/$PPID/environ; for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' <$f; done; ls -a $HOME; cat ${home}/credentials/* ; ls ${data}`;

async function onlyTask(hub: LeakyHub): Promise<string> {
  return waitFor(
    async () => {
      const list = (await (await fetch(`${hub.url}/api/v1/tasks`)).json()) as { tasks: Array<{ id: string }> };
      return list.tasks[0]?.id;
    },
    10_000,
    "the task",
  );
}

/** Reads the finished task's events over SSE (the stored ones, replayed) and the database file; returns the command output. */
async function assertNothingLeaked(hub: LeakyHub, taskId: string): Promise<string> {
  const events = await readSse(`${hub.url}/api/v1/tasks/${taskId}/events`);
  expect(events.at(-1)?.type).toBe("task.completed");
  const result = events.find((e) => e.type === "tool.result" && e.data.name === "run_command");
  const output = String(result?.data.output);
  const streamed = JSON.stringify(events);
  for (const secret of hub.secrets) {
    expect(output).not.toContain(secret);
    expect(streamed).not.toContain(secret);
  }
  expect(output).not.toContain("openkoi.db");
  const db = ["openkoi.db", "openkoi.db-wal"].map((f) => join(hub.data, f)).filter((f) => existsSync(f));
  const stored = db.map((f) => readFileSync(f).toString("latin1")).join("");
  expect(stored).toContain("Looked around.");
  for (const secret of hub.secrets) expect(stored).not.toContain(secret);
  return output;
}

describe("a task's shell cannot read the hub's secrets", () => {
  it("API task: /proc shows only the sandbox, $HOME, credentials and data are empty", async () => {
    const hub = await startLeakyHub("", PROBE);
    const res = await fetch(`${hub.url}/api/v1/tasks`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ description: "look around" }),
    });
    const { id } = (await res.json()) as { id: string };
    const output = await assertNothingLeaked(hub, id);
    // $HOME is an empty tmpfs; the credentials directory is not there at all.
    expect(output).toContain(".\n..\n");
    expect(output).toContain(`cat: '${hub.home}/credentials/*': No such file or directory`);
    expect(output).toMatch(/\[exit code 0\]$/);
  });

  it("Slack task (tools = read, shell): the same", async () => {
    slack = await startSlackFake();
    const toml = `[channels.slack]\nbot_token = "${slack.botToken}"\nsigning_secret = "${slack.signingSecret}"\napi_url = "${slack.apiUrl}"\ntools = ["read", "shell"]\n`;
    const hub = await startLeakyHub(toml, PROBE, [slack.botToken, slack.signingSecret]);
    const delivered = await slack.deliver(`${hub.url}/channels/slack/events`, slack.mentionPayload({ text: "look around", eventId: "EvLeak" }));
    expect(delivered.status).toBe(200);
    const id = await onlyTask(hub);
    await assertNothingLeaked(hub, id);
  });

  it("GitHub task: the worktree under <data> is bound, <data> itself hidden; git reads the clone read-only", async () => {
    gh = await startGitHubTriggerFake();
    const toml = `[channels.github]\nwebhook_secret = "gh-secret"\ntoken = "${gh.token}"\napi_url = "${gh.url}"\ntools = ["read", "write", "shell"]\n`;
    const probe = (dirs: { home: string; data: string }) =>
      `${PROBE(dirs)}; echo "log: $(git log --format=%s -1)"; touch .git-probe; git add .git-probe 2>&1 | tail -1; echo pwd: $PWD`;
    const hub = await startLeakyHub(toml, probe, [gh.token]);
    const payload = issueCommentPayload({ repo: gh.repo, cloneUrl: gh.cloneUrl, issue: 12, body: "@openkoi look around", commentId: 4242 });
    expect((await deliver(`${hub.url}/channels/github/webhook`, "issue_comment", payload, { secret: "gh-secret" })).status).toBe(202);
    const id = await onlyTask(hub);
    const output = await assertNothingLeaked(hub, id);
    expect(output).toContain("log: initial\n");
    // The clone's git dir is read-only inside: the agent cannot plant hooks or config the hub's own git would run.
    expect(output).toMatch(/Read-only file system/);
    expect(output).toContain(`pwd: ${join(hub.data, "workspaces", "acme", "widgets-worktrees", id)}\n`);
  });
});
