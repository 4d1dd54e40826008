import { z } from "zod";

/** The single source of truth for config.toml: strict tables, defaults everywhere, so a loaded config is total. */
const modelRef = z.string().regex(/^[^/\s]+\/\S+$/, "expected provider/model, e.g. anthropic/claude-sonnet-4");

const models = z
  .strictObject({
    executor: modelRef.optional(),
    evaluator: modelRef.optional(),
    planner: modelRef.optional(),
    small_model: modelRef.optional(),
  })
  .prefault({});

const iteration = z
  .strictObject({
    max_iterations: z.number().int().min(0).max(20).default(3),
    quality_threshold: z.number().min(0).max(1).default(0.8),
    timeout_seconds: z.number().positive().default(300),
    token_budget: z.number().int().positive().default(200_000),
    skip_eval_confidence: z.number().min(0).max(1).default(0.95),
  })
  .prefault({});

const toolLoop = z
  .strictObject({
    warning: z.number().int().positive().default(10),
    critical: z.number().int().positive().default(20),
    circuit_breaker: z.number().int().positive().default(30),
  })
  .prefault({});

const safety = z
  .strictObject({
    max_cost_usd: z.number().positive().default(2.0),
    abort_on_regression: z.boolean().default(true),
    regression_threshold: z.number().min(0).max(1).default(0.2),
    budget_warning_ratio: z.number().min(0).max(1).default(0.8),
    tool_loop: toolLoop,
  })
  .prefault({});

const provider = z.strictObject({
  base_url: z.url().optional(),
  api_key: z.string().optional(),
  /** For custom endpoints: the environment variable holding the key. */
  api_key_env: z.string().optional(),
  /** For custom endpoints: the wire protocol. */
  kind: z.enum(["openai", "anthropic"]).default("openai"),
  default_model: z.string().optional(),
});

const evaluation = z
  .strictObject({
    run_tests: z.boolean().default(true),
    /** A lint command to score as `static_analysis`; auto-detected when absent. */
    lint_command: z.string().optional(),
    test_timeout_seconds: z.number().positive().default(120),
  })
  .prefault({});

const shell = z
  .strictObject({
    timeout_seconds: z.number().positive().default(120),
    /** auto: hub tasks sandboxed when bubblewrap works here, else no shell for them; bwrap: required (CLI too); off: unsandboxed. */
    sandbox: z.enum(["auto", "bwrap", "off"]).default("auto"),
    /** The bubblewrap binary; the first `bwrap` on PATH when absent. */
    bwrap_path: z.string().min(1).optional(),
  })
  .prefault({});

const toolClass = z.enum(["read", "write", "shell", "network"]);

const webhooks = z
  .strictObject({
    on_task_complete: z.url().optional(),
    on_task_failed: z.url().optional(),
    on_budget_warning: z.url().optional(),
    secret: z.string().optional(),
  })
  .prefault({});

const api = z
  .strictObject({
    enabled: z.boolean().default(true),
    host: z.string().default("127.0.0.1"),
    port: z.number().int().min(0).max(65535).default(9742),
    token: z.string().optional(),
    /** Directories API clients may name as `workspace`; the hub's working directory is always allowed. */
    workspaces: z.array(z.string()).default([]),
    /** Tool classes API tasks may use; a request's `grants` may narrow these, never widen them. */
    grants: z.array(toolClass).default(["read", "write", "shell", "network"]),
    /** A task's `metadata` is stored and echoed back: bounded in nesting and in serialized size. */
    metadata_max_depth: z.number().int().min(1).max(64).default(8),
    metadata_max_bytes: z
      .number()
      .int()
      .min(2)
      .max(1024 * 1024)
      .default(16 * 1024),
    webhooks,
  })
  .prefault({});

const server = z
  .strictObject({
    concurrency: z.number().int().min(1).max(64).default(2),
    on_restart: z.enum(["retry", "fail"]).default("retry"),
    /** On SIGINT/SIGTERM, running tasks get this long to finish before they are marked interrupted. */
    shutdown_grace_seconds: z.number().min(0).max(3600).default(10),
    /** The directory tasks run in when none is named. */
    workspace: z.string().optional(),
    /** A channel whose platform is down is retried after ~initial, doubling up to max (jittered). */
    channel_retry_initial_ms: z.number().int().min(1).max(3_600_000).default(1000),
    channel_retry_max_ms: z.number().int().min(1).max(3_600_000).default(60_000),
  })
  .prefault({});

/** Bounded resources: every origin (API, chat, GitHub) meets the same limits, enforced where its task enters. */
const limits = z
  .strictObject({
    /** The longest task description, in characters, from any origin. */
    max_description_chars: z.number().int().min(1).max(1_000_000).default(32_768),
    /** Queued (not yet started) tasks one submitter may have: an API token or client, a chat or GitHub user. */
    max_queued_per_submitter: z.number().int().min(1).default(100),
    /** Queued tasks one chat thread or issue may have. */
    max_queued_per_thread: z.number().int().min(1).default(10),
    /** API requests per minute per token (per client address when there is no token), bursts up to the same number. */
    api_requests_per_minute: z.number().int().min(1).default(600),
    /** Messages to the bot per minute per chat user; the excess is answered once, then ignored until the window passes. */
    chat_messages_per_minute: z.number().int().min(1).default(20),
    /** Task listings cut each description to this many characters (flagged); GET /api/v1/tasks/{id} has it whole. */
    list_description_chars: z.number().int().min(1).default(500),
  })
  .prefault({});

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const digest = z
  .strictObject({
    enabled: z.boolean().default(false),
    /** A cron expression (checked when the scheduler starts); default every day at 08:00. */
    schedule: z.string().min(1).default("0 8 * * *"),
    to: z.array(z.email('expected an email address, e.g. to = ["you@example.com"]')).default([]),
    /** The sender; integrations.email.from when absent. */
    from: z.string().min(3).optional(),
    /** How far back each digest looks from its scheduled time (at most 31 days). */
    since_hours: z.number().positive().max(744).default(24),
    /** IANA name (e.g. "Europe/Berlin") for the schedule and the times shown; the machine's local zone when absent. */
    timezone: z.string().refine(isTimeZone, 'expected an IANA time zone, e.g. "Europe/Berlin"').optional(),
  })
  .prefault({});

export const configSchema = z
  .strictObject({
    models,
    iteration,
    safety,
    providers: z.record(z.string(), provider).default({}),
    evaluation,
    shell,
    api,
    server,
    digest,
    limits,
    /** Each channel validates its own table when it loads (src/channels/<name>/config.ts). */
    channels: z.partialRecord(z.enum(["slack", "discord", "teams", "telegram", "github"]), z.record(z.string(), z.unknown())).default({}),
    /** Each integration validates its own table when it loads (src/integrations/<name>/config.ts). */
    integrations: z.partialRecord(z.enum(["github", "jira", "linear", "notion", "gdocs", "email"]), z.record(z.string(), z.unknown())).default({}),
  })
  .prefault({});

export type Config = z.infer<typeof configSchema>;
export type ProviderConfig = z.infer<typeof provider>;
export type DigestConfig = z.infer<typeof digest>;
export type LimitsConfig = z.infer<typeof limits>;
