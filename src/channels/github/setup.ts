import type { GitHubChannelConfig } from "./config.js";

export type GitHubSetupInput = Partial<Pick<GitHubChannelConfig, "trigger" | "label" | "assignee" | "min_permission" | "api_url">>;

/** `openkoi setup github`: the repository (or organisation) webhook and the token openkoi needs. Takes the raw `[channels.github]` table. */
export function setupInstructions(input: GitHubSetupInput, publicUrl: string): string {
  const config = {
    ...input,
    trigger: `@${(input.trigger ?? "openkoi").replace(/^@/, "")}`,
    min_permission: input.min_permission ?? "write",
    api_url: input.api_url ?? "https://api.github.com",
  };
  const url = `${publicUrl.replace(/\/+$/, "")}/channels/github/webhook`;
  const web = config.api_url.replace(/\/api\/v3\/?$/, "").replace("://api.github.com", "://github.com");
  const events = ["Issue comments", "Pull request review comments"];
  if (config.label || config.assignee)
    events.push(
      `Issues (for ${[config.label && `the "${config.label}" label`, config.assignee && `assignment to ${config.assignee}`].filter(Boolean).join(" and ")})`,
    );
  return [
    "GitHub trigger setup",
    "",
    `1. In the repository (or organisation) on ${web}: Settings → Webhooks → Add webhook`,
    `   Payload URL:   ${url}`,
    "   Content type:  application/json",
    "   Secret:        the value of channels.github.webhook_secret (e.g. `openssl rand -hex 32`, stored in GITHUB_WEBHOOK_SECRET)",
    "   SSL verification: enabled",
    "   Which events:  Let me select individual events →",
    ...events.map((e) => `                  [x] ${e}`),
    "",
    "2. Create a token for openkoi (store it in GITHUB_TOKEN):",
    "   fine-grained personal access token limited to the repositories openkoi works on, with",
    "     Contents: Read and write · Issues: Read and write · Pull requests: Read and write · Metadata: Read",
    "   (a classic token needs the `repo` scope). A bot account keeps openkoi's comments and commits apart from yours.",
    "",
    "3. In config.toml:",
    "   [channels.github]",
    '   webhook_secret = "{env:GITHUB_WEBHOOK_SECRET}"',
    '   token = "{env:GITHUB_TOKEN}"',
    ...(config.api_url !== "https://api.github.com" ? [`   api_url = "${config.api_url}"`] : []),
    "",
    `Then comment \`${config.trigger} please fix this\` on an issue. Only collaborators with ${config.min_permission} permission or more can start a task;`,
    `\`${config.trigger} stop\` stops it. openkoi pushes a branch openkoi/<issue>-<slug> and opens a pull request that closes the issue.`,
  ].join("\n");
}
