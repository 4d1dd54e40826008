import { generateKeyPairSync } from "node:crypto";
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
  dataDir: "/tmp/openkoi-unused-data",
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

  it("authenticates as a GitHub App with a signed JWT when app_id and private_key are set", async () => {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    gh = await startGitHubTriggerFake({ app: { id: "4242", publicKey, installationId: 77 } });
    const adapter = await createChannel({ webhook_secret: "s", app_id: 4242, private_key: privateKey, api_url: gh.url, data_dir: "/tmp/unused" }, ctx);
    await expect(adapter.check?.()).resolves.toBe(`GitHub App openkoi-app (id 4242) at ${gh.url}`);
    const wrong = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    const impostor = await createChannel({ webhook_secret: "s", app_id: 4242, private_key: wrong.privateKey, api_url: gh.url, data_dir: "/tmp/unused" }, ctx);
    await expect(impostor.check?.()).rejects.toThrow("check channels.github.app_id and private_key");
  });
});
