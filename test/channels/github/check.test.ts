import { afterEach, describe, expect, it } from "vitest";
import { createChannel } from "../../../src/channels/github/index.js";
import { parsePolicy } from "../../../src/channels/policy.js";
import type { ChannelContext } from "../../../src/channels/types.js";
import { type GitHubTriggerFake, startGitHubTriggerFake } from "../../fakes/github-trigger-fake.js";

const unused = () => {
  throw new Error("not used by check()");
};
const ctx: ChannelContext = {
  policy: parsePolicy({}),
  receive: unused,
  cancelTask: unused,
  taskForMessage: unused,
  activeTaskInThread: unused,
  isEngaged: unused,
};

let gh: GitHubTriggerFake | undefined;
afterEach(async () => {
  await gh?.close();
  gh = undefined;
});

describe("openkoi doctor: check()", () => {
  it("makes one authenticated call and names the account", async () => {
    gh = await startGitHubTriggerFake();
    const adapter = await createChannel({ webhook_secret: "s", token: gh.token, api_url: gh.url, data_dir: "/tmp/unused" }, ctx);
    await expect(adapter.check?.()).resolves.toBe(`GitHub: authenticated as openkoi-bot at ${gh.url}`);
    expect(gh.requests.map((r) => `${r.method} ${r.path} ${r.headers.authorization}`)).toEqual([`GET /user token ${gh.token}`]);
  });

  it("says which key to fix when GitHub rejects the token", async () => {
    gh = await startGitHubTriggerFake();
    const adapter = await createChannel({ webhook_secret: "s", token: "ghp_wrong", api_url: gh.url, data_dir: "/tmp/unused" }, ctx);
    await expect(adapter.check?.()).rejects.toThrow("GitHub said 401 Bad credentials when trying to check the token: check channels.github.token");
  });

  it("refuses to start with GitHub App keys and no token (not in this build)", async () => {
    await expect(createChannel({ webhook_secret: "s", app_id: 123, private_key: "-----BEGIN…" }, ctx)).rejects.toThrow(
      /GitHub App auth is not available in this build/,
    );
  });
});
