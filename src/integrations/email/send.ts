/** Sending mail over SMTP with nodemailer (imported lazily); shared by `email_send` and the email digest. */
import type { Transporter } from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport/index.js";
import { OpenKoiError } from "../../core/errors.js";
import { type EmailConfig, smtpPort } from "./config.js";

export interface EmailMessage {
  to: string | string[];
  cc?: string | string[];
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
}

export interface SentEmail {
  messageId: string;
  accepted: string[];
  rejected: string[];
}

type SmtpTransporter = Transporter<SMTPTransport.SentMessageInfo>;

const transporters = new WeakMap<EmailConfig, Promise<SmtpTransporter>>();

async function createTransporter(config: EmailConfig): Promise<SmtpTransporter> {
  const { default: nodemailer } = await import("nodemailer");
  const options: SMTPTransport.Options = {
    host: config.host,
    port: smtpPort(config),
    secure: config.tls === "tls",
    requireTLS: config.tls === "starttls",
    ignoreTLS: config.tls === "none",
    connectionTimeout: config.timeout_ms,
    greetingTimeout: config.timeout_ms,
    socketTimeout: config.timeout_ms,
    ...(config.user !== undefined ? { auth: { user: config.user, pass: config.password ?? "" } } : {}),
  };
  return nodemailer.createTransport(options);
}

/** One transporter per config object, created on first use. */
export function transporterFor(config: EmailConfig): Promise<SmtpTransporter> {
  let transporter = transporters.get(config);
  if (!transporter) {
    transporter = createTransporter(config);
    transporters.set(config, transporter);
  }
  return transporter;
}

function addresses(list: Array<string | { address: string }> | undefined): string[] {
  return (list ?? []).map((a) => (typeof a === "string" ? a : a.address));
}

interface SmtpFailure {
  code?: string;
  responseCode?: number;
  response?: string;
  rejected?: Array<string | { address: string }>;
}

/** An actionable message for a nodemailer failure. */
export function describeSmtpError(error: unknown, config: EmailConfig): string {
  const e = (error && typeof error === "object" ? error : {}) as SmtpFailure;
  const said = e.response ? `SMTP said ${e.response}` : `SMTP failed: ${error instanceof Error ? error.message : String(error)}`;
  const where = `${config.host}:${smtpPort(config)}`;
  switch (e.code) {
    case "EAUTH":
      return `${said}: check integrations.email.user and integrations.email.password`;
    case "EENVELOPE":
      return `${said} (rejected: ${addresses(e.rejected).join(", ") || "none"}): check the recipient addresses`;
    case "ETLS":
      return `TLS with ${where} failed (${said}): check integrations.email.tls ("starttls" for 587, "tls" for 465)`;
    case "ESOCKET":
    case "ECONNECTION":
    case "ETIMEDOUT":
    case "EDNS":
      return `Could not talk to the SMTP server at ${where} (${e.code}: ${error instanceof Error ? error.message : ""}): check integrations.email.host, port and tls`;
    default:
      return said;
  }
}

/** Sends one message from `config.from`; throws an OpenKoiError (`EMAIL_FAILED`) with an actionable message. */
export async function sendEmail(config: EmailConfig, message: EmailMessage): Promise<SentEmail> {
  const transporter = await transporterFor(config);
  try {
    const info = await transporter.sendMail({
      from: config.from,
      to: message.to,
      ...(message.cc !== undefined ? { cc: message.cc } : {}),
      subject: message.subject,
      text: message.text,
      ...(message.html !== undefined ? { html: message.html } : {}),
      ...(message.headers !== undefined ? { headers: message.headers } : {}),
    });
    return { messageId: info.messageId, accepted: addresses(info.accepted), rejected: addresses(info.rejected) };
  } catch (error) {
    throw new OpenKoiError("EMAIL_FAILED", describeSmtpError(error, config), { cause: error });
  }
}

/** Connects and authenticates without sending (for `openkoi doctor`). */
export async function verifyEmail(config: EmailConfig): Promise<void> {
  const transporter = await transporterFor(config);
  try {
    await transporter.verify();
  } catch (error) {
    throw new OpenKoiError("EMAIL_FAILED", describeSmtpError(error, config), { cause: error });
  }
}
