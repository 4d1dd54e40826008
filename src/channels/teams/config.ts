import { z } from "zod";
import { parseConfigTable } from "../../core/config-table.js";
import { ConfigError } from "../../core/errors.js";
import { policyShape } from "../policy.js";

/** Public-cloud Bot Framework endpoints; override them for sovereign clouds (GCC High, DoD) or loopback tests. */
export const PUBLIC_CLOUD = {
  openidMetadataUrl: "https://login.botframework.com/v1/.well-known/openidconfiguration",
  tokenIssuer: "https://api.botframework.com",
  oauthScope: "https://api.botframework.com",
  loginHost: "https://login.microsoftonline.com",
  emulatorOpenidMetadataUrl: "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration",
  oauthUrl: "https://api.botframework.com",
};

/** `[channels.teams]`; secrets arrive resolved from `{env:NAME}` by the config loader. */
export const teamsConfigSchema = z
  .strictObject({
    ...policyShape,
    /** The bot's Microsoft App ID. Without it inbound activities are not authenticated (Bot Framework Emulator only). */
    app_id: z.string().optional(),
    app_password: z.string().optional(),
    /** Without app_id anyone who can reach the hub could run tasks through Teams: only with this set explicitly. */
    allow_unauthenticated: z.boolean().default(false),
    /** Set for a SingleTenant bot (the default for new Azure Bots); the token is then issued by this tenant. */
    tenant_id: z.string().optional(),
    /** Where the channel's signing keys are published (inbound JWT validation). */
    openid_metadata_url: z.url().default(PUBLIC_CLOUD.openidMetadataUrl),
    /** The `iss` claim inbound tokens must carry. */
    token_issuer: z.string().min(1).default(PUBLIC_CLOUD.tokenIssuer),
    /** OAuth2 client-credentials endpoint for the bot's outbound token; default from tenant_id. */
    token_endpoint: z.url().optional(),
    /** The audience of the outbound token (`<scope>/.default` is requested). */
    oauth_scope: z.string().min(1).default(PUBLIC_CLOUD.oauthScope),
  })
  .superRefine((c, issue) => {
    if (c.app_id && !c.app_password)
      issue.addIssue({ code: "custom", path: ["app_password"], message: 'required with app_id, e.g. app_password = "{env:TEAMS_APP_PASSWORD}"' });
    if (!c.app_id && c.app_password) issue.addIssue({ code: "custom", path: ["app_id"], message: "required with app_password (the bot's Microsoft App ID)" });
  });

export type TeamsChannelConfig = z.infer<typeof teamsConfigSchema>;

/** The token endpoint actually used: explicit, else the tenant's (SingleTenant) or botframework.com's (MultiTenant). */
export function tokenEndpoint(config: TeamsChannelConfig): string {
  return config.token_endpoint ?? `${PUBLIC_CLOUD.loginHost}/${config.tenant_id || "botframework.com"}/oauth2/v2.0/token`;
}

/** The hub refuses an unauthenticated Teams endpoint unless the operator asked for one (Bot Framework Emulator). */
export function assertAuthenticated(config: TeamsChannelConfig): void {
  if (config.app_id || config.allow_unauthenticated) return;
  const problem =
    "channels.teams.app_id: required: without it inbound activities are not authenticated and anyone who reaches the hub could run tasks (set allow_unauthenticated = true only for the Bot Framework Emulator)";
  throw new ConfigError(`Invalid [channels.teams] configuration:\n  ${problem}`, [problem]);
}

export function parseTeamsConfig(raw: unknown): TeamsChannelConfig {
  const parsed = parseConfigTable("channels.teams", teamsConfigSchema, raw);
  return { ...parsed, app_id: parsed.app_id || undefined };
}
