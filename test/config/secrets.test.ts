import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { configSecrets } from "../../src/config/secrets.js";

describe("configSecrets", () => {
  it("takes every resolved {env:} value and secret-looking keys, not other strings", () => {
    const config = parseConfig(
      {
        api: { token: "literal-api-token-1", webhooks: { secret: "literal-hook-secret" } },
        server: { workspace: "{env:WS}" },
        providers: { corp: { base_url: "http://127.0.0.1:1/v1", api_key: "corp-key-123456", api_key_env: "CORP_KEY" } },
        channels: { teams: { app_password: "{env:TEAMS_PW}", token_issuer: "https://issuer.example" } },
        integrations: { jira: { api_token: "jira-token-12345", email: "me@example.com" } },
      },
      { WS: "/srv/work", TEAMS_PW: "teams-password-1" },
    );
    expect(configSecrets(config)).toEqual([
      { name: "WS", value: "/srv/work" },
      { name: "TEAMS_PW", value: "teams-password-1" },
      { name: "providers.corp.api_key", value: "corp-key-123456" },
      { name: "api.token", value: "literal-api-token-1" },
      { name: "api.webhooks.secret", value: "literal-hook-secret" },
      { name: "channels.teams.app_password", value: "teams-password-1" },
      { name: "integrations.jira.api_token", value: "jira-token-12345" },
    ]);
  });

  it("knows no {env:} values for a config built without the loader's record", () => {
    expect(configSecrets(structuredClone(parseConfig({ api: { token: "{env:T}" } }, { T: "token-value-123" })))).toEqual([
      { name: "api.token", value: "token-value-123" },
    ]);
  });
});
