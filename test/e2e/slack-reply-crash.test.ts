/**
 * End to end: the BUILT `openkoi serve` with `[channels.slack]`, killed with SIGKILL after Slack stored the task's
 * first message but before its answer (the ts) reached the hub. The re-run must find that message and edit it.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../fakes/http.js";
import { asRecord, type ModelFake, startOpenAIFake } from "../fakes/openai-fake.js";
import { type SlackFake, startSlackFake } from "../fakes/slack-fake.js";
import { cleanEnv, tempDir } from "../helpers/cli.js";
import { passingScript } from "../helpers/hub-harness.js";
import { freePort, type ServeProcess, startServe } from "../helpers/serve-process.js";

let model: ModelFake | undefined;
let slack: SlackFake | undefined;
const hubs: ServeProcess[] = [];

afterEach(async () => {
  for (const hub of hubs.splice(0)) if (hub.child.exitCode === null && hub.child.signalCode === null) await hub.stop();
  await slack?.close();
  await model?.close();
});

describe("openkoi serve with Slack: a crash between the first post and its record", () => {
  it("the re-run edits the message the first run posted, never posts a second one", async () => {
    model = await startOpenAIFake();
    model.respondWith(passingScript("Counted after the crash."));
    slack = await startSlackFake();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const home = join(tempDir("slack-crash"), ".openkoi");
    const workspace = tempDir("slack-crash-ws");
    const toml = [
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
      `bot_token = ${JSON.stringify(slack.botToken)}`,
      `signing_secret = ${JSON.stringify(slack.signingSecret)}`,
      `api_url = ${JSON.stringify(slack.apiUrl)}`,
    ].join("\n");
    const env = cleanEnv({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: model.baseURL });

    const first = await startServe({ home, port, toml, env });
    hubs.push(first);
    let open: (() => void) | undefined;
    model.setGate(new Promise<void>((resolve) => (open = resolve)));
    slack.stallNext("chat.postMessage");
    const mention = slack.mentionPayload({ text: "count the files", eventId: "EvCrash1" });
    const threadTs = String(asRecord(mention.event).ts);
    expect((await slack.deliver(`${base}/channels/slack/events`, mention)).status).toBe(200);
    const inThread = () => slack?.posted.filter((m) => m.threadTs === threadTs) ?? [];
    // Slack has the progress message; the hub never heard its ts.
    await waitFor(() => inThread().length === 1, 10_000, "the stalled first post");
    await waitFor(() => model?.chats().length, 10_000, "the first model call");
    await first.crash();

    hubs.push(await startServe({ home, port, toml, env }));
    open?.();
    model.setGate(undefined);
    await waitFor(
      () => slack?.messages.find((m) => m.threadTs === threadTs && m.visible.includes("Counted after the crash.")),
      15_000,
      "the result in the first message",
    );
    expect(inThread()).toHaveLength(1);
    expect(slack.messages.filter((m) => m.threadTs === threadTs)).toHaveLength(1);
    expect(slack.calls("conversations.replies")).toHaveLength(1);
  });
});
