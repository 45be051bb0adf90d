// Where messages go: an SMTP server through nodemailer, or (without SMTP_URL) files in the local outbox.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';

/** A message ready for the wire: the sender opens the sealed content into this just before sending. */
export interface OutgoingMail {
  messageId: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

/** Delivers one message or throws; the queue decides about retries. */
export interface MailTransport {
  readonly name: 'smtp' | 'outbox';
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

export interface SmtpSettings {
  url: string;
  requireTls: boolean;
  tlsRejectUnauthorized: boolean;
}

// Short timeouts: a send must end well within the claim's lease (mail-sender.ts), so a slow server is retried
// rather than sent twice.
const TIMEOUTS = { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000 };

function toNodemailer(mail: OutgoingMail) {
  return {
    messageId: mail.messageId,
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    headers: mail.headers,
  };
}

/** nodemailer over SMTP (`smtp://` or `smtps://`), one connection per message. */
export function smtpTransport(settings: SmtpSettings): MailTransport {
  const transporter = nodemailer.createTransport({
    url: settings.url,
    requireTLS: settings.requireTls,
    tls: { rejectUnauthorized: settings.tlsRejectUnauthorized },
    ...TIMEOUTS,
  });
  return {
    name: 'smtp',
    async send(mail) {
      await transporter.sendMail(toNodemailer(mail));
    },
    close: () => transporter.close(),
  };
}

/** The local outbox: each message as an RFC 5322 `.eml` file in `dir` (written whole, then renamed into place). */
export function outboxTransport(dir: string): MailTransport {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    name: 'outbox',
    async send(mail) {
      const info = await composer.sendMail(toNodemailer(mail));
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const file = join(
        dir,
        `${new Date().toISOString().replaceAll(':', '-')}-${mail.messageId.replace(/[^\w.-]/g, '')}.eml`,
      );
      await writeFile(`${file}.tmp`, info.message as Buffer, { mode: 0o600 });
      await rename(`${file}.tmp`, file);
    },
    close: () => composer.close(),
  };
}
