/** `openkoi doctor` shows each channel's state as the running hub sees it, and splits failed (fix) from degraded (retried). */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../fakes/http.js";
import { startTelegramFake, type TelegramFake, WEBHOOK_SECRET } from "../fakes/telegram-fake.js";
import { cleanEnv, runCli, tempDir } from "../helpers/cli.js";
import { freePort, type ServeProcess, startServe } from "../helpers/serve-process.js";

let telegram: TelegramFake | undefined;
let hub: ServeProcess | undefined;
afterEach(async () => {
  await hub?.stop();
  await telegram?.close();
  hub = undefined;
  telegram = undefined;
});

describe("doctor and channel health", () => {
  it("reports the running hub's failed Telegram with the fix, and doctor's own check says failed too", async () => {
    telegram = await startTelegramFake();
    const port = await freePort();
    const home = join(tempDir("doctor-channels"), ".openkoi");
    const toml = [
      "[api]",
      `port = ${port}`,
      "[channels.telegram]",
      'bot_token = "999:wrong"',
      `webhook_secret = "${WEBHOOK_SECRET}"`,
      `api_root = "${telegram.url}"`,
    ].join("\n");
    const env = cleanEnv({ OPENKOI_HOME: home });
    hub = await startServe({ home, port, toml, env });
    const url = hub.url;
    await waitFor(
      async () =>
        ((await (await fetch(`${url}/api/v1/status`)).json()) as { channels: Record<string, { state: string }> }).channels.telegram?.state === "failed",
      10_000,
      "Telegram to be failed",
    );
    const doctor = await runCli(["doctor"], { env });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain("[FAIL] channel telegram: failed: Telegram said 401 Unauthorized (getMe): check channels.telegram.bot_token");
    expect(doctor.stdout).toMatch(
      /\[FAIL\] hub channel telegram: failed since \S+: Telegram said 401 Unauthorized \(getMe\): check channels\.telegram\.bot_token\n {7}fix: check channels\.telegram\.bot_token/,
    );
  });
});
