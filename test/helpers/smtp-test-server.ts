// A real SMTP server in the test process (the smtp-server package): records every message it accepts, and can be
// told to refuse the next few, or to answer slowly.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { decodeMimeWords, decodeQuotedPrintable } from '../../services/mail/index.js';
import { createTestApp, type TestApp } from './test-app.js';

export interface ReceivedMail {
  raw: string;
  to: string[];
  headers: Record<string, string>;
  subject: string;
  text: string;
  html: string;
}

export interface SmtpTestServer {
  url: string;
  received: ReceivedMail[];
  /** Refuse the next `count` messages with a temporary failure (451). */
  refuseNext(count: number): void;
  /** Wait this long before accepting each message. */
  delayEach(ms: number): void;
  /** Waits until `count` messages have arrived (or throws after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

/** Starts the server on a free loopback port, without TLS or authentication (test traffic never leaves the host). */
export async function startSmtpTestServer(): Promise<SmtpTestServer> {
  const received: ReceivedMail[] = [];
  let refusals = 0;
  let delayMs = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (refusals > 0) {
          refusals--;
          const error = Object.assign(new Error('Try again later'), { responseCode: 451 });
          callback(error);
          return;
        }
        const finish = () => {
          received.push(
            parseMail(
              Buffer.concat(chunks).toString('utf8'),
              session.envelope.rcptTo.map((r) => r.address),
            ),
          );
          callback();
        };
        if (delayMs > 0) setTimeout(finish, delayMs);
        else finish();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refuseNext: (count) => void (refusals = count),
    delayEach: (ms) => void (delayMs = ms),
    async waitFor(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} messages, got ${received.length}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The real app sending its mail to an SMTP server of its own, with links to http://coop.test. */
export async function createAppWithSmtp(
  env: Record<string, string> = {},
): Promise<{ app: TestApp; smtp: SmtpTestServer; close(): Promise<void> }> {
  const smtp = await startSmtpTestServer();
  const app = await createTestApp({ SMTP_URL: smtp.url, PUBLIC_URL: 'http://coop.test', ...env });
  return {
    app,
    smtp,
    async close() {
      await app.close();
      await smtp.close();
    },
  };
}

// Just enough MIME for our own messages: headers, multipart/alternative, quoted-printable or base64 parts.
function parseMail(raw: string, to: string[]): ReceivedMail {
  const { headers, body } = splitHeaders(raw);
  let text = '';
  let html = '';
  const boundary = /boundary="?([^";]+)"?/i.exec(headers['content-type'] ?? '')?.[1];
  const parts = boundary ? body.split(`--${boundary}`).slice(1, -1) : [raw];
  for (const part of parts) {
    const parsed = splitHeaders(part.replace(/^\r?\n/, ''));
    const decoded = decodeBody(parsed.body, parsed.headers['content-transfer-encoding'] ?? '');
    if ((parsed.headers['content-type'] ?? '').startsWith('text/html')) html = decoded;
    else text = decoded;
  }
  return { raw, to, headers, subject: decodeMimeWords(headers.subject ?? ''), text, html };
}

function splitHeaders(raw: string): { headers: Record<string, string>; body: string } {
  const at = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, at).replace(/\r?\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body: raw.slice(at).replace(/^\r?\n\r?\n/, '') };
}

function decodeBody(body: string, encoding: string): string {
  if (/base64/i.test(encoding)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/quoted-printable/i.test(encoding)) return decodeQuotedPrintable(body);
  return body;
}
