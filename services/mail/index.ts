// The mail context's interface: queue a message, run the background sender, one-click unsubscribe, the outbox.
import type { Connection } from 'mongoose';
import type { AuditTrail } from '../audit/index.js';
import type { Keyring } from '../crypto/keyring.js';
import { readUnsubscribeToken } from './domain/unsubscribe-token.js';
import { loadMailKey } from './mail-key.js';
import { isOptional } from './mail-kinds.js';
import { enqueueMail, type MailRequest } from './mail-queue.js';
import { startMailSender, type MailSender } from './mail-sender.js';
import { outboxTransport, smtpTransport, type MailTransport } from './mail-transport.js';
import { mailCollections } from './mail.model.js';
import { listOutbox, readOutboxMessage } from './outbox-reader.js';
import { optedOutKinds, setOptOut } from './opt-outs.js';

export { ACCOUNT_MAIL_KINDS, NOTIFICATION_MAIL_KINDS, isOptional } from './mail-kinds.js';
export type { AccountMailKind, MailKind, MailLocale, NotificationMailKind } from './mail-kinds.js';
export type { MailRequest } from './mail-queue.js';
export type { MailTransport, OutgoingMail } from './mail-transport.js';
export type { OutboxEntry } from './outbox-reader.js';
export { decodeMimeWords, decodeQuotedPrintable, listOutbox, readOutboxMessage } from './outbox-reader.js';

export interface MailSettings {
  smtpUrl: string | undefined;
  from: string;
  requireTls: boolean;
  tlsRejectUnauthorized: boolean;
  outboxDir: string;
  retryBaseMs: number;
  maxAttempts: number;
}

export interface MailDeps {
  connection: Connection;
  keyring: Keyring;
  settings: MailSettings;
  publicUrl: string;
  audit?: AuditTrail;
  /** Replaces the configured transport (tests of failure paths only). */
  transport?: MailTransport;
  now?: () => Date;
  onError?: (error: unknown) => void;
}

/** What other contexts need to send mail: queue one message (never waits for a mail server). */
export interface MailQueue {
  enqueue(request: MailRequest, now: Date): Promise<string>;
}

/** Binds the mail context; `startSender` begins sending in the background (one per process). */
export async function createMail(deps: MailDeps) {
  const collections = mailCollections(deps.connection);
  const key = await loadMailKey(deps.keyring);
  const { settings } = deps;
  const transport =
    deps.transport ??
    (settings.smtpUrl
      ? smtpTransport({
          url: settings.smtpUrl,
          requireTls: settings.requireTls,
          tlsRejectUnauthorized: settings.tlsRejectUnauthorized,
        })
      : outboxTransport(settings.outboxDir));
  const now = deps.now ?? (() => new Date());
  let sender: MailSender | undefined;

  return {
    /** Where messages go: `smtp` or `outbox`. */
    transport: transport.name,
    async ensureIndexes(): Promise<void> {
      await collections.queue.createIndex({ status: 1, nextAttemptAt: 1 });
      await collections.optOuts.createIndex({ userId: 1 });
    },

    /** Renders, seals and queues one message, and wakes the local sender. */
    async enqueue(request: MailRequest, at: Date): Promise<string> {
      const id = await enqueueMail({ collections, key, publicUrl: deps.publicUrl }, request, at);
      sender?.wake();
      return id;
    },

    /** Starts the background sender (idempotent). */
    startSender(options: { pollMs?: number; onError?: (error: unknown) => void } = {}): MailSender {
      sender ??= startMailSender({
        collections,
        key,
        transport,
        from: settings.from,
        retry: { baseMs: settings.retryBaseMs, maxAttempts: settings.maxAttempts },
        ...(deps.audit && { audit: deps.audit }),
        now,
        ...(deps.onError && { onError: deps.onError }),
        ...options,
      });
      return sender;
    },

    /** One-click unsubscribe (RFC 8058): switches the token's kind off for its account; false for a bad token. */
    async unsubscribe(token: string, at: Date): Promise<{ kind: string } | null> {
      const named = readUnsubscribeToken(key, token);
      if (!named || !isOptional(named.kind)) return null;
      await setOptOut(collections, named.userId, named.kind, true, at);
      await deps.audit?.append('mail.unsubscribed', named.userId, { kind: named.kind }, at);
      return { kind: named.kind };
    },
    /** Switches one notification kind's e-mail on or off for an account (the member's own settings). */
    setEmailEnabled: (userId: string, kind: string, enabled: boolean, at: Date) =>
      setOptOut(collections, userId, kind, !enabled, at),
    /** The kinds whose e-mail an account switched off. */
    optedOutKinds: (userId: string) => optedOutKinds(collections, userId),

    /** The local outbox (without SMTP_URL): list and read. */
    outbox: {
      list: () => listOutbox(settings.outboxDir),
      read: (file: string) => readOutboxMessage(settings.outboxDir, file),
    },

    /** Stops the sender (after its attempt in flight) and closes the transport. */
    async close(): Promise<void> {
      await sender?.stop();
      transport.close();
    },
  };
}

/** The mail context as bound by `createMail`. */
export type Mail = Awaited<ReturnType<typeof createMail>>;
