import { z } from "zod";
import { parseConfigTable } from "../../core/config-table.js";
import { policyShape } from "../policy.js";

export const PERMISSIONS = ["none", "read", "triage", "write", "maintain", "admin"] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** `[channels.github]`; secrets arrive resolved from `{env:NAME}` by the config loader. */
export const githubChannelSchema = z.strictObject({
  ...policyShape,
  /** GitHub tasks edit files by default (that is the point of a pull request); shell stays off unless granted. */
  tools: z.array(z.enum(["read", "write", "shell", "network"])).default(["read", "write"]),
  webhook_secret: z.string({ error: 'set the webhook secret, e.g. webhook_secret = "{env:GITHUB_WEBHOOK_SECRET}"' }).min(1, "must not be empty"),
  token: z.string().min(1, "must not be empty").optional(),
  app_id: z.union([z.string(), z.number()]).optional(),
  private_key: z.string().optional(),
  /** GitHub Enterprise Server: https://HOST/api/v3. */
  api_url: z.url().default("https://api.github.com"),
  trigger: z
    .string()
    .regex(/^@?[A-Za-z0-9][\w.-]*$/, "expected a handle such as @openkoi")
    .default("@openkoi"),
  min_permission: z.enum(PERMISSIONS).exclude(["none"]).default("write"),
  /** Below `min_permission`: `ignore` shows nothing; `explain` replies once per user, issue and day. */
  untrusted: z.enum(["ignore", "explain"]).default("ignore"),
  /** Adding this label to an issue starts a task (optional). */
  label: z.string().min(1).optional(),
  /** Assigning an issue to this login starts a task (optional). */
  assignee: z.string().min(1).optional(),
  /** Where clones and worktrees live (`<data_dir>/workspaces`); defaults to openkoi's data directory. */
  data_dir: z.string().min(1).optional(),
  git_author_name: z.string().min(1).default("openkoi"),
  git_author_email: z.string().min(3).default("openkoi@users.noreply.github.com"),
});

export type GitHubChannelConfig = z.infer<typeof githubChannelSchema> & { dataDir: string; mention: string };

/** `defaultDataDir`: the hub's data directory, where clones live unless `data_dir` says otherwise. */
export function parseGitHubConfig(raw: unknown, defaultDataDir: string): GitHubChannelConfig {
  const data = parseConfigTable("channels.github", githubChannelSchema, raw, credentialProblems);
  const handle = data.trigger.replace(/^@/, "");
  return { ...data, trigger: `@${handle}`, mention: handle, dataDir: data.data_dir ?? defaultDataDir };
}

/** A token, or a complete GitHub App (its id and its PEM key). */
function credentialProblems({ token, app_id, private_key }: z.infer<typeof githubChannelSchema>): string[] {
  if (token) return [];
  if (app_id === undefined && private_key === undefined)
    return ['channels.github.token: set a token (token = "{env:GITHUB_TOKEN}") or a GitHub App (app_id and private_key)'];
  if (app_id === undefined) return ["channels.github.app_id: required with private_key (the GitHub App's numeric id)"];
  if (!private_key?.includes("PRIVATE KEY"))
    return ['channels.github.private_key: expected the App\'s PEM private key, e.g. private_key = "{env:GITHUB_APP_PRIVATE_KEY}"'];
  return [];
}

/** Ranks `role_name`/`permission` from the collaborator-permission endpoint. */
export function permissionRank(value: string | undefined): number {
  const index = PERMISSIONS.indexOf((value ?? "none") as Permission);
  return Math.max(0, index);
}
