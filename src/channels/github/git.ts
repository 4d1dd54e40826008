import { spawn } from "node:child_process";
import { OpenKoiError } from "../../core/errors.js";

export interface GitIdentity {
  name: string;
  email: string;
}

export interface GitOptions {
  /** Run in this directory (`git -C`). */
  cwd?: string;
  /** Explicit repository and work tree, so nothing inside the work tree (a forged `.git` file) can redirect git. */
  gitDir?: string;
  workTree?: string;
  /** Talks to the remote: the token goes in as an HTTP header through this process's environment only. */
  token?: string;
  identity?: GitIdentity;
  /** Kills git after this long (default 10 minutes: a big clone over a slow link). */
  timeoutMs?: number;
  /** Exit codes that are answers rather than failures (e.g. 1 from `diff --quiet`). */
  okCodes?: number[];
}

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

const PASS_THROUGH = [
  "PATH",
  "LANG",
  "TMPDIR",
  "HTTPS_PROXY",
  "HTTP_PROXY",
  "NO_PROXY",
  "https_proxy",
  "http_proxy",
  "no_proxy",
  "SSL_CERT_FILE",
  "GIT_SSL_CAINFO",
];

/**
 * The environment of one git process: hermetic (no user or system config, no prompts, no hooks) and, only when
 * it talks to the remote, an `Authorization` header from the token. The agent's shell never sees any of this.
 */
export function gitEnv(options: Pick<GitOptions, "token" | "identity">, base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {
    GIT_TERMINAL_PROMPT: "0",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_ASKPASS: "/bin/false",
    HOME: "/nonexistent",
  };
  for (const key of PASS_THROUGH) if (base[key] !== undefined) env[key] = base[key];
  const config: Array<[string, string]> = [
    ["core.hooksPath", "/dev/null"],
    ["core.fsmonitor", "false"],
    ["protocol.ext.allow", "never"],
  ];
  if (options.token) config.push(["http.extraHeader", `Authorization: Basic ${Buffer.from(`x-access-token:${options.token}`).toString("base64")}`]);
  env.GIT_CONFIG_COUNT = String(config.length);
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  if (options.identity) {
    env.GIT_AUTHOR_NAME = env.GIT_COMMITTER_NAME = options.identity.name;
    env.GIT_AUTHOR_EMAIL = env.GIT_COMMITTER_EMAIL = options.identity.email;
  }
  return env;
}

export function git(args: string[], options: GitOptions = {}): Promise<GitResult> {
  const prefix: string[] = [];
  if (options.cwd) prefix.push("-C", options.cwd);
  if (options.gitDir) prefix.push(`--git-dir=${options.gitDir}`);
  if (options.workTree) prefix.push(`--work-tree=${options.workTree}`);
  return new Promise((resolve, reject) => {
    const child = spawn("git", [...prefix, ...args], {
      env: gitEnv(options),
      stdio: ["ignore", "pipe", "pipe"],
      signal: AbortSignal.timeout(options.timeoutMs ?? 600_000),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    child.on("error", (error) => reject(new OpenKoiError("GIT_FAILED", `git ${args[0]} could not run: ${error.message}`, { cause: error })));
    child.on("close", (code) => {
      const result = { code: code ?? -1, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
      if (code === 0 || options.okCodes?.includes(code ?? -1)) resolve(result);
      else
        reject(
          new OpenKoiError("GIT_FAILED", `git ${args[0]} failed (exit ${code}): ${result.stderr.trim().slice(0, 500) || result.stdout.trim().slice(0, 500)}`),
        );
    });
  });
}

/** One git operation at a time per repository: clone, fetch, worktree add/remove and push share its refs. */
export function createRepoLocks() {
  const chains = new Map<string, Promise<unknown>>();
  return async <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const previous = chains.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    chains.set(key, next);
    try {
      return await next;
    } finally {
      if (chains.get(key) === next) chains.delete(key);
    }
  };
}
