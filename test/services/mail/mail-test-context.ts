// A mail context on a database of its own, sending to an in-process SMTP server, with its audit entries recorded.
import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { loadKeyring, type Keyring } from '../../../services/crypto/keyring.js';
import { createMail, type Mail, type MailSettings } from '../../../services/mail/index.js';

export interface AuditEntry {
  type: string;
  actor: string;
  data: Record<string, unknown>;
}

export async function mailKeyring(connection: Connection): Promise<Keyring> {
  return loadKeyring(connection, randomBytes(32));
}

/** A mail context bound to `connection` that sends to `smtpUrl` (retries 50 ms apart unless told otherwise). */
export async function createTestMail(
  connection: Connection,
  keyring: Keyring,
  smtpUrl: string,
  overrides: Partial<MailSettings> = {},
): Promise<{ mail: Mail; audit: AuditEntry[] }> {
  const audit: AuditEntry[] = [];
  const mail = await createMail({
    connection,
    keyring,
    publicUrl: 'http://coop.test',
    settings: {
      smtpUrl,
      from: 'Datacoop <no-reply@coop.test>',
      requireTls: false,
      tlsRejectUnauthorized: true,
      outboxDir: '/nonexistent',
      retryBaseMs: 50,
      maxAttempts: 5,
      ...overrides,
    },
    audit: {
      async append(type, actor, data) {
        audit.push({ type, actor, data });
        return audit.length;
      },
    },
  });
  await mail.ensureIndexes();
  return { mail, audit };
}
