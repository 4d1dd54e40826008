import { createHub } from "../../hub.js";
import type { ParsedArgs } from "../args.js";
import { EXIT } from "../exit.js";

/** `openkoi serve`: the hub in the foreground, logs on stderr, graceful shutdown on SIGINT/SIGTERM. */
export async function run(_args: ParsedArgs): Promise<number> {
  const hub = await createHub({ defaultLogLevel: "info" });
  // The digest's modules load only when it is on: start-up pays for nothing it does not use.
  const digest = hub.config.digest.enabled ? await (await import("../../digest/index.js")).startDigestScheduler(hub) : undefined;
  const { startServer } = await import("../../server/serve.js");
  const server = await startServer(hub, { wireChannels: hub.wireChannels }).catch(async (error: unknown) => {
    // Not listening: close what is open (digest timer, store, its checkpoint worker) so the process exits now.
    await digest?.stop();
    hub.close();
    throw error;
  });
  process.stderr.write(`openkoi hub listening on ${server.url} (API ${server.url}/api/v1, data ${hub.paths.dataDir})\n`);
  const providers = await hub.providers.available();
  if (providers.length === 0)
    hub.logger.warn("no model provider found: tasks will fail until a key is set (ANTHROPIC_API_KEY, OPENAI_API_KEY, …) or Ollama runs; see openkoi doctor");
  else hub.logger.info(`model providers: ${providers.map((p) => `${p.id} (${p.source})`).join(", ")}`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.stderr.write(`${signal}: shutting down (running tasks get ${hub.config.server.shutdown_grace_seconds}s to finish)\n`);
      resolve();
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
  await server.close(hub.config.server.shutdown_grace_seconds * 1000);
  await digest?.stop();
  hub.close();
  process.stderr.write("openkoi hub stopped\n");
  return EXIT.ok;
}
