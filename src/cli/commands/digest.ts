import { loadConfig } from "../../config/load.js";
import { resolvePaths } from "../../config/paths.js";
import { UsageError } from "../../core/errors.js";
import { createLogger, parseLogLevel } from "../../core/logger.js";
import type { DigestDeps, DigestWindow } from "../../digest/index.js";
import type { ParsedArgs } from "../args.js";

const USAGE = "Usage: openkoi digest --preview [--html]   or   openkoi digest --send [--force]";

const span = (w: DigestWindow) => `${w.since.toISOString()} → ${w.until.toISOString()}`;

async function sendNow(deps: DigestDeps, window: DigestWindow, force: boolean): Promise<number> {
  const { checkSendable, createDigestLedger, sendDigest, sendOnce } = await import("../../digest/index.js");
  checkSendable(deps);
  const ledger = createDigestLedger(deps.store);
  let recipients: string[] = [];
  const outcome = await sendOnce(
    ledger,
    window.key,
    async () => {
      const sent = await sendDigest(deps, window);
      recipients = sent.accepted;
      return { messageId: sent.messageId, to: sent.accepted, by: "cli" };
    },
    { force },
  );
  if (outcome === "already_sent") {
    process.stderr.write(`The digest for ${span(window)} was already sent at ${ledger.sentAt(window.key)}: add --force to send it again.\n`);
    return 0;
  }
  if (outcome === "busy") {
    process.stderr.write(`Another openkoi process (the hub?) is sending the digest for ${span(window)} right now: try again in a few minutes.\n`);
    return 1;
  }
  process.stdout.write(`Sent the digest for ${span(window)} to ${recipients.join(", ")}.\n`);
  return 0;
}

/** `openkoi digest --preview [--html]` prints the current window's digest; `--send [--force]` emails it now (once per window). */
export async function run(args: ParsedArgs): Promise<number> {
  const { flags } = args;
  const send = flags.send === true;
  const preview = flags.preview === true || (flags.html === true && !send);
  if (send === preview || args.positionals.length > 0 || (flags.force && !send) || (flags.html && send)) throw new UsageError(USAGE);
  const paths = resolvePaths();
  const config = await loadConfig(paths.configFile);
  const { openStore } = await import("../../store/index.js");
  const digest = await import("../../digest/index.js");
  const store = openStore(paths.database);
  try {
    const deps = digest.digestDeps({ config, paths, store, logger: createLogger(parseLogLevel(process.env.OPENKOI_LOG_LEVEL)) });
    const window = await digest.currentWindow(config.digest);
    if (send) return await sendNow(deps, window, flags.force === true);
    const built = digest.buildDigest(deps, window);
    process.stdout.write(flags.html ? built.html : `Subject: ${built.subject}\n\n${built.text}`);
    return 0;
  } finally {
    store.close();
  }
}
