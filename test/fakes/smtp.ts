/** A real SMTP server (smtp-server) on 127.0.0.1:0 with AUTH; received messages are parsed with mailparser. */
import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  /** The SMTP envelope: MAIL FROM and every RCPT TO (to, cc and bcc alike). */
  envelope: { from: string; to: string[] };
  /** The user that authenticated for this session. */
  user: string | undefined;
  raw: string;
  parsed: ParsedMail;
}

export interface SmtpFake {
  port: number;
  messages: ReceivedMail[];
  /** Every AUTH attempt, accepted or not. */
  logins: Array<{ user: string; accepted: boolean }>;
  /** Client connections accepted so far (nodemailer opens one per message unless pooled). */
  connections(): number;
  /** Answers the next MAIL FROM with this SMTP error, e.g. `451 4.7.1 Rate limit exceeded` (a temporary refusal). */
  refuseNextMail(reply: { code: number; message: string }): void;
  close(): Promise<void>;
}

export interface SmtpFakeOptions {
  user: string;
  pass: string;
  /** Recipients answered with `550 mailbox unavailable`. */
  rejectRecipients?: string[];
}

/**
 * STARTTLS is disabled (smtp-server's built-in certificate has expired), so clients must use
 * `ignoreTLS` and the server accepts AUTH over plaintext: loopback tests only.
 */
export async function startSmtpFake(options: SmtpFakeOptions): Promise<SmtpFake> {
  const messages: ReceivedMail[] = [];
  const logins: SmtpFake["logins"] = [];
  const rejected = new Set((options.rejectRecipients ?? []).map((a) => a.toLowerCase()));
  const refusals: Array<{ code: number; message: string }> = [];
  let connections = 0;
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      const accepted = auth.username === options.user && auth.password === options.pass;
      logins.push({ user: auth.username ?? "", accepted });
      if (!accepted) return callback(Object.assign(new Error("Invalid username or password"), { responseCode: 535 }));
      callback(null, { user: auth.username });
    },
    onConnect(_session, callback) {
      connections += 1;
      callback();
    },
    onMailFrom(_address, _session, callback) {
      const refusal = refusals.shift();
      if (!refusal) return callback();
      callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
    },
    onRcptTo(address, _session, callback) {
      if (!rejected.has(address.address.toLowerCase())) return callback();
      callback(Object.assign(new Error(`${address.address}: mailbox unavailable`), { responseCode: 550 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            const { mailFrom, rcptTo } = session.envelope;
            const from = mailFrom ? mailFrom.address : "";
            messages.push({ envelope: { from, to: rcptTo.map((r) => r.address) }, user: session.user, raw: raw.toString("utf8"), parsed });
            callback(null, `Queued as fake-${messages.length}`);
          },
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    messages,
    logins,
    connections: () => connections,
    refuseNextMail: (reply) => void refusals.push(reply),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
