import { describe, expect, it } from "vitest";
import { authOptions } from "../../../src/channels/teams/auth.js";
import { parseTeamsConfig, tokenEndpoint } from "../../../src/channels/teams/config.js";
import { setupInstructions, teamsManifest } from "../../../src/channels/teams/setup.js";
import { ConfigError } from "../../../src/core/errors.js";

const problemsOf = (raw: unknown): string[] => {
  try {
    parseTeamsConfig(raw);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
};

describe("teams config", () => {
  it("defaults to the public cloud and the tenant's token endpoint, keeping the shared policy keys", () => {
    const config = parseTeamsConfig({ app_id: "app", app_password: "pw", tenant_id: "contoso-tenant", allow_users: ["aad-1"], tools: ["read", "write"] });
    expect(config).toMatchObject({
      openid_metadata_url: "https://login.botframework.com/v1/.well-known/openidconfiguration",
      token_issuer: "https://api.botframework.com",
      allow_users: ["aad-1"],
      tools: ["read", "write"],
    });
    expect(tokenEndpoint(config)).toBe("https://login.microsoftonline.com/contoso-tenant/oauth2/v2.0/token");
    expect(tokenEndpoint(parseTeamsConfig({ app_id: "app", app_password: "pw" }))).toBe("https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token");
    expect(authOptions(config)).toMatchObject({
      MicrosoftAppId: "app",
      MicrosoftAppTenantId: "contoso-tenant",
      ToChannelFromBotLoginUrl: "https://login.microsoftonline.com/contoso-tenant",
      ToBotFromChannelTokenIssuer: "https://api.botframework.com",
    });
  });

  it("reports problems as channels.teams.<key>: message", () => {
    expect(problemsOf({ app_id: "app" })).toEqual(['channels.teams.app_password: required with app_id, e.g. app_password = "{env:TEAMS_APP_PASSWORD}"']);
    expect(problemsOf({ app_password: "pw" })).toEqual(["channels.teams.app_id: required with app_password (the bot's Microsoft App ID)"]);
    expect(problemsOf({ bot_token: "x" })[0]).toMatch(/^channels\.teams: .*bot_token/);
    expect(problemsOf({ openid_metadata_url: "not a url" })[0]).toMatch(/^channels\.teams\.openid_metadata_url: /);
  });

  it("treats an empty app_id (an unset {env:…}) as no app_id", () => {
    expect(parseTeamsConfig({ app_id: "" }).app_id).toBeUndefined();
  });
});

describe("teams setup", () => {
  it("prints the Azure Bot commands with the messaging endpoint and a manifest naming the bot", () => {
    const text = setupInstructions({ app_id: "app-123", tenant_id: "tenant-9" }, "https://hub.example.com/");
    expect(text).toContain("--appid app-123 --tenant-id tenant-9 --endpoint https://hub.example.com/channels/teams/messages");
    expect(text).toContain("az bot msteams create");
    const manifest = JSON.parse(text.slice(text.indexOf("{")));
    expect(manifest).toEqual(teamsManifest("app-123"));
    expect(manifest.bots).toEqual([{ botId: "app-123", scopes: ["personal", "team", "groupChat"], supportsFiles: false, isNotificationOnly: false }]);
  });

  it("walks through registering the app when there is no app_id yet", () => {
    const text = setupInstructions({}, "https://hub.example.com");
    expect(text).toContain("az ad app create");
    expect(text).toContain('app_password = "{env:TEAMS_APP_PASSWORD}"');
  });
});
