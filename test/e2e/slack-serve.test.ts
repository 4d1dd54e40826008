/**
 * End to end: the BUILT `openkoi serve` with `[channels.slack]`, killed with SIGKILL between Slack's ack and the
 * reply, restarted on the same home. The task must run to completion exactly once, answer in exactly one message,
 * and a redelivery of the same event after the restart must not start it again.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../fakes/http.js";
import { asRecord, type ModelFake, startOpenAIFake } from "../fakes/openai-fake.js";
import { type SlackFake, startSlackFake } from "../fakes/slack-fake.js";
import { CLI, cleanEnv, tempDir } from "../helpers/cli.js";
import { passingScript } from "../helpers/hub-harness.js";
import { phaseOf } from "../helpers/scripted-model.js";
import { freePort } from "../helpers/serve-process.js";

interface Hub {
  child: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
}

function startServe(env: Record<string, string>): Hub {
  const child = spawn(process.execPath, [CLI, "serve"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout?.on("data", (d: Buffer) => {
    log += d;
  });
  child.stderr?.on("data", (d: Buffer) => {
    log += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, log: () => log, exited };
}

async function healthy(base: string, hub: Hub): Promise<void> {
  await waitFor(
    async () => {
      if (hub.child.exitCode !== null) throw new Error(`openkoi serve exited early:\n${hub.log()}`);
      return fetch(`${base}/health`).then(
        (r) => r.ok,
        () => false,
      );
    },
    15_000,
    "openkoi serve to answer /health",
  );
}

async function api<T>(base: string, path: string): Promise<T> {
  const res = await fetch(`${base}/api/v1${path}`);
  if (!res.ok) throw new Error(`GET ${path} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

let model: ModelFake | undefined;
let slack: SlackFake | undefined;
const hubs: Hub[] = [];

afterEach(async () => {
  for (const hub of hubs.splice(0)) {
    if (hub.child.exitCode === null && hub.child.signalCode === null) {
      hub.child.kill("SIGTERM");
      await hub.exited;
    }
  }
  await slack?.close();
  await model?.close();
});

describe("openkoi serve with Slack (built CLI)", () => {
  it("survives kill -9 between the ack and the reply: one task, one answer, no rerun on redelivery", async () => {
    model = await startOpenAIFake();
    model.respondWith(passingScript("The repo has 3 files."));
    slack = await startSlackFake();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const home = join(tempDir("slack-e2e"), ".openkoi");
    mkdirSync(home, { recursive: true });
    const workspace = tempDir("slack-e2e-ws");
    writeFileSync(
      join(home, "config.toml"),
      [
        "[api]",
        `port = ${port}`,
        "[server]",
        `workspace = ${JSON.stringify(workspace)}`,
        "shutdown_grace_seconds = 1",
        "[models]",
        'executor = "openai/gpt-4.1"',
        "[evaluation]",
        "run_tests = false",
        "[channels.slack]",
        'bot_token = "{env:SLACK_BOT_TOKEN}"',
        'signing_secret = "{env:SLACK_SIGNING_SECRET}"',
        `api_url = ${JSON.stringify(slack.apiUrl)}`,
      ].join("\n"),
    );
    const env = cleanEnv({
      OPENKOI_HOME: home,
      OPENAI_API_KEY: "sk-test",
      OPENAI_BASE_URL: model.baseURL,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: slack.signingSecret,
    });

    const first = startServe(env);
    hubs.push(first);
    await healthy(base, first);

    let open: (() => void) | undefined;
    model.setGate(new Promise<void>((resolve) => (open = resolve)));
    const mention = slack.mentionPayload({ text: "how many files are there?", eventId: "EvE2E1" });
    const threadTs = String(asRecord(mention.event).ts);
    const ack = await slack.deliver(`${base}/channels/slack/events`, mention);
    expect(ack.status).toBe(200);
    expect(ack.ms).toBeLessThan(3000);

    // The agent is inside its first (held) model call, and the progress message is posted and its ref stored
    // (the first edit only goes out after the post's answer was saved).
    await waitFor(() => model?.chats().length, 10_000, "the first model call");
    await waitFor(() => slack?.calls("chat.update").length, 10_000, "the first progress edit");
    const [queued] = (await api<{ tasks: Array<{ id: string; status: string }> }>(base, "/tasks")).tasks;
    expect(queued?.status).toBe("running");

    first.child.kill("SIGKILL");
    await first.exited;

    const second = startServe(env);
    hubs.push(second);
    await healthy(base, second);
    open?.();
    model.setGate(undefined);

    const done = await waitFor(
      async () => {
        const detail = await api<{ status: string; attempts: number }>(base, `/tasks/${queued?.id}`);
        return ["completed", "failed", "cancelled", "interrupted"].includes(detail.status) ? detail : undefined;
      },
      15_000,
      "the task to finish after the restart",
    );
    expect(done).toMatchObject({ status: "completed", attempts: 2 });
    const final = await waitFor(
      () => slack?.messages.find((m) => m.threadTs === threadTs && m.visible.includes("The repo has 3 files.")),
      5000,
      "the result in the thread",
    );
    expect(final.attachments[0]?.color).toBe("#36a64f");

    const redelivery = await slack.deliver(`${base}/channels/slack/events`, mention, {
      headers: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" },
    });
    expect(redelivery.status).toBe(200);

    const { tasks } = await api<{ tasks: Array<{ id: string; status: string }> }>(base, "/tasks");
    expect(tasks).toEqual([expect.objectContaining({ id: queued?.id, status: "completed" })]);
    expect(slack.posted.filter((m) => m.threadTs === threadTs)).toHaveLength(1);
    expect(slack.calls("reactions.add")).toHaveLength(1);
    // Planned twice (once per attempt), never more: the killed attempt and the completed one.
    const plans = model.chats().filter((c) => phaseOf(c, asRecord(asRecord(c.tool_choice).function).name as string | undefined) === "plan");
    expect(plans).toHaveLength(2);
  });
});
