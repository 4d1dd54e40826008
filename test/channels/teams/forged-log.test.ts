/**
 * A forged Bot Framework token costs one log line: `openkoi serve` runs as a real process (so everything botbuilder
 * prints reaches its stderr) and each refused request adds exactly one line, never the signing key.
 */
import { generateKeyPairSync } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../../fakes/http.js";
import { startOpenAIFake } from "../../fakes/openai-fake.js";
import { startTeamsFake, type TeamsFake } from "../../fakes/teams-fake.js";
import { cleanEnv, tempDir } from "../../helpers/cli.js";
import { freePort, type ServeProcess, startServe } from "../../helpers/serve-process.js";
import { messageActivity, postActivity } from "./helpers.js";

let serve: ServeProcess | undefined;
let fake: TeamsFake | undefined;
const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await serve?.stop();
  await fake?.close();
  for (const close of closers.splice(0)) await close();
  serve = undefined;
});

const toml = (port: number, workspace: string, teams: Record<string, unknown>) =>
  [
    `[models]\nexecutor = "openai/gpt-4.1"`,
    `[api]\nport = ${port}`,
    `[server]\nworkspace = "${workspace}"`,
    `[evaluation]\nrun_tests = false`,
    `[channels.teams]\n${Object.entries(teams)
      .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
      .join("\n")}`,
  ].join("\n");

describe("teams: forged tokens in the log", () => {
  it("each refused token (another key, another issuer, expired) adds one line to stderr and no key", { timeout: 60_000 }, async () => {
    fake = await startTeamsFake();
    const model = await startOpenAIFake();
    closers.push(() => model.close());
    const port = await freePort();
    const env = cleanEnv({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: model.baseURL });
    serve = await startServe({ home: env.OPENKOI_HOME as string, port, toml: toml(port, tempDir("ws"), fake.channelConfig()), env });
    // The signing key is fetched on the first check; a valid request warms that up so the counts below are exact.
    const activity = messageActivity(fake, { text: "hello", id: "warm-1", thread: "t", mention: false });
    expect((await postActivity(serve.url, activity, `Bearer ${fake.sign()}`)).status).toBe(200);
    const otherKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    const forged = [
      fake.sign({}, otherKey),
      fake.sign({ iss: "https://evil.example" }),
      fake.sign({ exp: Math.floor(Date.now() / 1000) - 3600, nbf: Math.floor(Date.now() / 1000) - 7200 }),
    ];
    const lines = () => serve?.log().split("\n").filter(Boolean) ?? [];
    const before = lines().length;
    for (const token of forged) expect((await postActivity(serve.url, activity, `Bearer ${token}`)).status).toBe(401);
    // stderr is one FIFO: once a last forged request's line has been read, all printed before it has been too
    // (botbuilder's key dump, if it came back, would make more lines than requests, or lines that are not ours).
    expect((await postActivity(serve.url, activity, "Bearer not.a.jwt")).status).toBe(401);
    const added = await waitFor(
      () => (lines().length - before > forged.length ? lines().slice(before) : undefined),
      10_000,
      `the last refusal's log line in:\n${serve.log()}`,
    );
    expect(added).toHaveLength(forged.length + 1);
    for (const line of added) expect(line).toMatch(/ WARN Teams: the activity's Bot Framework token was rejected \(.+\); check channels\.teams\.app_id$/);
    expect(serve.log()).not.toContain("BEGIN RSA PUBLIC KEY");
    expect(serve.log()).not.toContain("BEGIN PUBLIC KEY");
  });
});
