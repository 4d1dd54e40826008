import type { TeamsChannelConfig } from "./config.js";

const ENDPOINT_PATH = "/channels/teams/messages";

/** The Teams app manifest (schema 1.17) that installs the bot in personal chats, teams and group chats. */
export function teamsManifest(appId: string): Record<string, unknown> {
  return {
    $schema: "https://developer.microsoft.com/en-us/json-schemas/teams/v1.17/MicrosoftTeams.schema.json",
    manifestVersion: "1.17",
    version: "1.0.0",
    id: appId,
    developer: { name: "openkoi", websiteUrl: "https://example.com", privacyUrl: "https://example.com/privacy", termsOfUseUrl: "https://example.com/terms" },
    name: { short: "openkoi", full: "openkoi agent hub" },
    description: { short: "Runs openkoi tasks from Teams", full: "Mention openkoi with a task; it answers in the thread with a live card and a Stop button." },
    icons: { outline: "outline.png", color: "color.png" },
    accentColor: "#36A64F",
    bots: [{ botId: appId, scopes: ["personal", "team", "groupChat"], supportsFiles: false, isNotificationOnly: false }],
    validDomains: [],
  };
}

/** What `openkoi setup teams` prints: the Azure side (app registration, Azure Bot, Teams channel) and the Teams app package. */
export function setupInstructions(config: Pick<TeamsChannelConfig, "app_id" | "tenant_id">, publicUrl: string): string {
  const endpoint = `${publicUrl.replace(/\/+$/, "")}${ENDPOINT_PATH}`;
  const appId = config.app_id || "<APP_ID>";
  const tenant = config.tenant_id || "<TENANT_ID>";
  const steps = [
    "Microsoft Teams setup (Azure CLI; the same can be done in the Azure portal):",
    "",
    ...(config.app_id
      ? [`1. App registration: using app_id ${appId}.`]
      : [
          "1. Register the bot's app and create its secret:",
          "     az ad app create --display-name openkoi --sign-in-audience AzureADMyOrg --query appId -o tsv",
          "     az ad app credential reset --id <APP_ID> --query password -o tsv",
          "   Put them in the config (the secret through the environment):",
          `     [channels.teams]\n     app_id = "<APP_ID>"\n     app_password = "{env:TEAMS_APP_PASSWORD}"\n     tenant_id = "${tenant}"`,
        ]),
    "2. Create the Azure Bot pointing at this hub and enable its Teams channel:",
    `     az bot create --resource-group <RG> --name openkoi --app-type SingleTenant --appid ${appId} --tenant-id ${tenant} --endpoint ${endpoint}`,
    "     az bot msteams create --resource-group <RG> --name openkoi",
    `   The messaging endpoint must be public HTTPS: ${endpoint}`,
    "3. Package the Teams app: save the manifest below as manifest.json next to color.png (192x192) and outline.png",
    "   (32x32, transparent), zip the three files, then upload the zip in Teams (Apps > Manage your apps > Upload an app)",
    "   or through the Teams admin center.",
    "4. Mention the bot in a channel (@openkoi summarise the open PRs) or message it directly; `openkoi doctor` checks the credentials.",
    "",
    JSON.stringify(teamsManifest(appId), null, 2),
  ];
  return steps.join("\n");
}
