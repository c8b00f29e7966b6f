import type { Transporter } from 'nodemailer';
import { loadOnce } from '../../infra/load-once';

type TransportOptions = Parameters<typeof import('nodemailer').createTransport>[0];

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  /** The full Message-ID header, `<…@…>`: the same on every attempt, so a receiver can spot a repeat. */
  messageId: string;
  /** Ends the send early (the worker stops). */
  signal?: AbortSignal;
}

/** A send that did not go through: `permanent` when the server refused this mail for good. */
export class MailSendError extends Error {
  constructor(
    readonly permanent: boolean,
    readonly detail: string,
    /** For the log: the error's code and the reply's code, not the reply, which may quote the address. */
    readonly reason = 'unknown',
  ) {
    super(detail);
    this.name = 'MailSendError';
  }
}

export interface MailTransport {
  /** Resolves once the server accepted the mail; throws MailSendError otherwise. */
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

interface SmtpError {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/**
 * What the SMTP reply says about this mail (RFC 5321): a 5xx reply refuses it for good (503, a
 * command out of order, is the exception), a 4xx reply for now. Without a reply — the server is
 * down, slow, or refused our credentials (a setting to fix, not a reason to drop the mail) — the
 * mail is tried again later too.
 */
function classifySendError(err: unknown): MailSendError {
  const e = (err ?? {}) as SmtpError;
  const refusedLogin = e.code === 'EAUTH' || e.code === 'ENOAUTH'; // about our settings, not this mail
  const permanent = !refusedLogin && typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600 && e.responseCode !== 503;
  const reply = e.response ?? e.message ?? String(err);
  const detail = [e.code, e.responseCode && !reply.startsWith(String(e.responseCode)) ? e.responseCode : undefined, reply].filter(Boolean).join(' ');
  // A reply may quote the address; a connection's error names only the server.
  const reason = e.response === undefined && e.responseCode === undefined ? detail : [e.code, e.responseCode].filter(Boolean).join(' ');
  return new MailSendError(permanent, detail, reason || 'unknown');
}

/**
 * nodemailer is loaded at the first mail (a few MB that most processes, serving pages, never
 * need), as the password checker is at the first new password.
 */
function nodemailerTransport(options: TransportOptions, timeoutMs: number): MailTransport {
  const open = loadOnce(() => import('nodemailer').then(({ default: nodemailer }): Transporter => nodemailer.createTransport(options)));
  return {
    async send(mail) {
      // One deadline for the whole send, however the server dawdles (connect, greeting, every reply).
      const deadline = AbortSignal.timeout(timeoutMs);
      const signal = mail.signal ? AbortSignal.any([deadline, mail.signal]) : deadline;
      try {
        await (await open()).sendMail({
          from: mail.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          messageId: mail.messageId,
          headers: { 'Auto-Submitted': 'auto-generated' }, // RFC 3834: no out-of-office replies
          disableFileAccess: true,
          disableUrlAccess: true,
          signal,
        });
      } catch (err) {
        throw classifySendError(err);
      }
    },
    close: () => void open.started?.then((t) => t.close(), () => undefined),
  };
}

/** SMTP as the URL says: smtps:// is TLS from the start, smtp:// upgrades with STARTTLS when the server offers it. */
export function createSmtpTransport(settings: { url: string; timeoutMs: number }): MailTransport {
  const { timeoutMs } = settings;
  const options = { url: settings.url, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs, dnsTimeout: timeoutMs };
  return nodemailerTransport(options, timeoutMs);
}

/**
 * Development: the whole message is built as for SMTP, and goes nowhere. The mail stays in the
 * outbox table, shown at /ontwikkeling/e-mail.
 */
export function createOutboxTransport(): MailTransport {
  return nodemailerTransport({ jsonTransport: true }, 5000);
}
