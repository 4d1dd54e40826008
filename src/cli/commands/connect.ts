import { existsSync, rmSync } from "node:fs";
import { loadConfig } from "../../config/load.js";
import { resolvePaths } from "../../config/paths.js";
import { errorMessage, ProviderError, UsageError } from "../../core/errors.js";
import { catalogEntry } from "../../providers/catalog.js";
import { credentialFile, saveCredential } from "../../providers/credentials.js";
import type { ParsedArgs } from "../args.js";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").trim();
}

/** Reads a line from the terminal without echoing it (the key never shows on screen). */
function readHidden(prompt: string): Promise<string> {
  process.stderr.write(prompt);
  return new Promise((resolve) => {
    let value = "";
    process.stdin.setRawMode(true);
    process.stdin.resume();
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString("utf8")) {
        if (ch === "\r" || ch === "\n" || ch === "\u0003") {
          process.stdin.setRawMode(false);
          process.stdin.pause();
          process.stdin.off("data", onData);
          process.stderr.write("\n");
          return resolve(ch === "\u0003" ? "" : value);
        }
        value = ch === "\u007f" ? value.slice(0, -1) : value + ch;
      }
    };
    process.stdin.on("data", onData);
  });
}

/** `openkoi connect <provider>`: checks a key against the provider, then saves it (0600, written atomically). */
export async function run(args: ParsedArgs): Promise<number> {
  const [action, id] = args.positionals[0] === "remove" ? ["remove", args.positionals[1]] : ["add", args.positionals[0]];
  const entry = id ? catalogEntry(id) : undefined;
  if (!id || !entry || entry.keyless)
    throw new UsageError(
      "Usage: openkoi connect <provider> (anthropic, openai, groq, deepseek, openrouter, together, moonshot, xai, qwen, google) · openkoi connect remove <provider>",
    );
  const paths = resolvePaths();
  if (action === "remove") {
    const file = credentialFile(paths, id);
    const existed = existsSync(file);
    rmSync(file, { force: true });
    process.stdout.write(existed ? `Removed ${file}\n` : `No saved key for ${id}\n`);
    return 0;
  }
  const key = process.stdin.isTTY ? await readHidden(`${entry.name} API key (input hidden): `) : await readStdin();
  if (!key) throw new UsageError("No key given: paste it at the prompt or pipe it on stdin.");
  const config = await loadConfig(paths.configFile);
  const baseURL = config.providers[id]?.base_url ?? (entry.baseURLEnv ? process.env[entry.baseURLEnv] : undefined) ?? entry.baseURL;
  const { createAnthropicProvider } = await import("../../providers/anthropic.js");
  const { createOpenAIProvider } = await import("../../providers/openai.js");
  const provider =
    entry.kind === "anthropic" ? createAnthropicProvider({ apiKey: key, baseURL, id }) : createOpenAIProvider({ id, apiKey: key, baseURL, name: entry.name });
  try {
    const models = await provider.listModels(AbortSignal.timeout(10_000));
    process.stderr.write(`${entry.name} accepted the key (${models.length} models).\n`);
  } catch (error) {
    if (error instanceof ProviderError && error.kind === "auth") {
      process.stderr.write(`${entry.name} rejected the key: ${error.message}\nNothing was saved.\n`);
      return 1;
    }
    process.stderr.write(`Could not check the key (${errorMessage(error)}); saving it anyway.\n`);
  }
  const file = saveCredential(paths, id, key);
  process.stdout.write(`Saved to ${file} (mode 0600). Environment variables (${entry.envKeys.join(", ")}) still take precedence.\n`);
  return 0;
}
