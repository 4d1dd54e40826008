import type { ConfigurationBotFrameworkAuthentication, ConfigurationBotFrameworkAuthenticationOptions } from "botbuilder";
import { errorMessage, VerificationError } from "../../core/errors.js";
import { PUBLIC_CLOUD, type TeamsChannelConfig, tokenEndpoint } from "./config.js";

type CredentialsFactory = NonNullable<ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[1]>;
type Credentials = Awaited<ReturnType<CredentialsFactory["createCredentials"]>>;
type WebResource = Parameters<Credentials["signRequest"]>[0];

const HINT = "check channels.teams.app_id, app_password and tenant_id (and token_endpoint if set)";
const EARLY_REFRESH_MS = 5 * 60_000;

export interface TokenSource {
  /** An access token for `<scope>/.default`, cached until five minutes before it expires. */
  token(scope: string): Promise<string>;
}

/** The bot's outbound token by the OAuth2 client-credentials grant (what MSAL does, minus MSAL's https-only authority rule). */
export function createTokenSource(config: TeamsChannelConfig): TokenSource {
  const url = tokenEndpoint(config);
  const cache = new Map<string, { value: string; refreshAt: number }>();
  return {
    async token(scope) {
      const cached = cache.get(scope);
      if (cached && cached.refreshAt > Date.now()) return cached.value;
      const fullScope = scope.endsWith("/.default") ? scope : `${scope}/.default`;
      const body = new URLSearchParams({
        grant_type: "client_credentials",
        client_id: config.app_id ?? "",
        client_secret: config.app_password ?? "",
        scope: fullScope,
      });
      let response: Response;
      try {
        response = await fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
      } catch (error) {
        throw new VerificationError(
          `Could not reach the Teams token endpoint ${url}: ${errorMessage(error)}; check channels.teams.token_endpoint and the network`,
        );
      }
      const json = (await response.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown };
      if (!response.ok || typeof json.access_token !== "string") {
        const reason = [json.error, json.error_description].filter((v) => typeof v === "string").join(": ") || response.statusText;
        throw new VerificationError(`The Teams token endpoint said ${response.status} ${reason}: ${HINT}`);
      }
      const lifetimeMs = (typeof json.expires_in === "number" ? json.expires_in : Number(json.expires_in) || 3600) * 1000;
      cache.set(scope, { value: json.access_token, refreshAt: Date.now() + Math.max(0, lifetimeMs - EARLY_REFRESH_MS) });
      return json.access_token;
    },
  };
}

/** botbuilder's credentials seam: signs connector calls with our token; no app id means unauthenticated (emulator). */
export function createCredentialsFactory(config: TeamsChannelConfig, tokens: TokenSource): CredentialsFactory {
  const appId = config.app_id;
  return {
    isValidAppId: async (id) => !!appId && id === appId,
    isAuthenticationDisabled: async () => !appId,
    createCredentials: async (_id, audience) => ({
      async signRequest(request: WebResource) {
        if (!appId) return request;
        request.headers.set("authorization", `Bearer ${await tokens.token(audience || config.oauth_scope)}`);
        return request;
      },
    }),
  };
}

/** Every endpoint passed explicitly: once any is set, botbuilder uses only what it is given (no public defaults). */
export function authOptions(config: TeamsChannelConfig): ConfigurationBotFrameworkAuthenticationOptions {
  const base: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: config.app_id ?? "",
    MicrosoftAppTenantId: config.tenant_id,
    ToBotFromChannelOpenIdMetadataUrl: config.openid_metadata_url,
    ToBotFromChannelTokenIssuer: config.token_issuer,
    ToBotFromEmulatorOpenIdMetadataUrl: PUBLIC_CLOUD.emulatorOpenidMetadataUrl,
    ToChannelFromBotLoginUrl: tokenEndpoint(config).replace(/\/oauth2\/v2\.0\/token$/, ""),
    ToChannelFromBotOAuthScope: config.oauth_scope,
    OAuthUrl: PUBLIC_CLOUD.oauthUrl,
    CallerId: "urn:botframework:azure",
    ValidateAuthority: false,
  };
  return Object.fromEntries(Object.entries(base).filter(([, v]) => v !== undefined)) as ConfigurationBotFrameworkAuthenticationOptions;
}
