/** A fatal start-up error (the API's port is taken) with Discord configured: the built `openkoi serve` exits non-zero at once. */
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type DiscordFake, startDiscordFake } from "../fakes/discord-fake.js";
import { cleanEnv, runCli } from "../helpers/cli.js";

let discord: DiscordFake | undefined;
let blocker: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (blocker ? blocker.close(() => r()) : r()));
  await discord?.close();
  blocker = undefined;
  discord = undefined;
});

describe("openkoi serve with a fatal start-up error", () => {
  it("exits non-zero within 5 s when the port is taken, leaving no gateway connection open", async () => {
    discord = await startDiscordFake();
    const taken = createServer();
    blocker = taken;
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
    const address = taken.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const env = cleanEnv({});
    mkdirSync(env.OPENKOI_HOME as string, { recursive: true });
    writeFileSync(
      join(env.OPENKOI_HOME as string, "config.toml"),
      `[api]\nport = ${port}\n\n[channels.discord]\nbot_token = "${discord.token}"\napplication_id = "${discord.applicationId}"\npublic_key = "${discord.publicKeyHex}"\napi_url = "${discord.apiUrl}"\n`,
    );
    const result = await runCli(["serve"], { env, timeoutMs: 5000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Cannot listen on 127.0.0.1:${port}`);
    expect(discord.gatewayConnections()).toBe(0);
  });
});
