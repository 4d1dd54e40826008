import type { Secret } from "../core/redact.js";
import { envSecrets } from "./load.js";
import type { Config } from "./schema.js";

/** Keys whose string values are credentials: bot_token, webhook_secret, api_key, private_key, password, … (not token_issuer). */
const SECRET_KEY = /(?:^|_)(?:token|secret|password|passwd|key|credentials?)$/i;

function literalSecrets(value: unknown, path: string[], out: Secret[]): void {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) literalSecrets(item, [...path, String(i)], out);
    return;
  }
  if (!value || typeof value !== "object") return;
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === "string" && SECRET_KEY.test(key)) out.push({ name: [...path, key].join("."), value: item });
    else literalSecrets(item, [...path, key], out);
  }
}

/** Every secret the config knows: each resolved `{env:NAME}` value and the value of every secret-looking key. */
export function configSecrets(config: Config): Secret[] {
  const out = [...envSecrets(config)];
  literalSecrets(config, [], out);
  return out;
}
