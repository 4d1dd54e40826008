/** Sending mail over SMTP with nodemailer (imported lazily); shared by `email_send` and the email digest. */
import type { Transporter } from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport/index.js";
import { OpenKoiError } from "../../core/errors.js";
import { type ErrorHints, failureMessage, field, type UpstreamFailure } from "../common.js";
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

const HINTS: ErrorHints = {
  auth: "check integrations.email.user and integrations.email.password",
  invalid: "check the recipient addresses",
  unreachable: 'check integrations.email.host, port and tls ("starttls" for 587, "tls" for 465)',
  unavailable: "the mail server refused for now; try again later",
};

const NETWORK_CODES = new Set(["ESOCKET", "ECONNECTION", "ETIMEDOUT", "EDNS", "ETLS", "EPROTOCOL"]);

/** A nodemailer failure (`code`, `responseCode`, `response`, `rejected`) as plain data. */
export function smtpFailure(error: unknown, config: EmailConfig): UpstreamFailure {
  const code = field(error, "code");
  const responseCode = field(error, "responseCode");
  const response = field(error, "response");
  const message = error instanceof Error ? error.message : String(error);
  const detail = typeof response === "string" ? response.replace(/^\d{3}[ -]/, "") : message;
  const status = typeof responseCode === "number" ? { status: responseCode } : {};
  if (code === "EAUTH") return { kind: "auth", ...status, detail };
  if (code === "EENVELOPE") {
    const rejected = field(error, "rejected");
    const list = Array.isArray(rejected) ? rejected.map((r) => (typeof r === "string" ? r : String(field(r, "address")))) : [];
    // A 4xx (e.g. "451 rate limit, try again in 30 seconds") is temporary: the addresses are not at fault.
    const kind = typeof responseCode === "number" && responseCode >= 400 && responseCode < 500 ? "unavailable" : "invalid";
    return { kind, ...status, detail: list.length > 0 ? `${detail} (rejected: ${list.join(", ")})` : detail };
  }
  if (typeof code === "string" && NETWORK_CODES.has(code)) {
    return { kind: "unreachable", detail: `${code}: ${message}`, request: `${config.host}:${smtpPort(config)}` };
  }
  if (typeof responseCode === "number" && responseCode >= 400 && responseCode < 500) return { kind: "unavailable", status: responseCode, detail };
  return { kind: "other", ...status, detail };
}

function emailFailed(error: unknown, config: EmailConfig): OpenKoiError {
  return new OpenKoiError("EMAIL_FAILED", failureMessage("SMTP", smtpFailure(error, config), HINTS), { cause: error });
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
    throw emailFailed(error, config);
  }
}

/** Connects and authenticates without sending (for `openkoi doctor`). */
export async function verifyEmail(config: EmailConfig): Promise<void> {
  const transporter = await transporterFor(config);
  try {
    await transporter.verify();
  } catch (error) {
    throw emailFailed(error, config);
  }
}
