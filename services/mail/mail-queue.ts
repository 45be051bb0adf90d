// Putting a message in the queue: rendered now, sealed at rest, one insert (a request never waits for a server).
import { randomUUID } from 'node:crypto';
import { openJson, sealJson, type Binding } from '../crypto/aead.js';
import { isDuplicateKey, toBuffer } from '../db/connection.js';
import type { OutgoingMail } from './mail-transport.js';
import type { MailKind, MailLocale } from './mail-kinds.js';
import type { MailCollections, QueuedMailDocument } from './mail.model.js';
import { renderMail } from './templates/render-mail.js';
import { unsubscribeToken } from './domain/unsubscribe-token.js';

/** What a context asks to send: to whom (id and address), which kind, in which language, with which values. */
export interface MailRequest {
  kind: MailKind;
  recipientId: string;
  to: string;
  locale: MailLocale;
  /** Values for the wording's placeholders; `url` is the action's link. */
  params: Record<string, string>;
  /** The same key twice queues one message (a notification job that runs again, a retried request). */
  dedupeKey?: string;
}

/** The sealed part: everything personal about the message. */
type SealedMail = Omit<OutgoingMail, 'messageId' | 'from'>;

function binding(message: Pick<QueuedMailDocument, '_id' | 'recipientId'>): Binding {
  return { collection: 'mail_queue', recordId: message._id, memberId: message.recipientId, schemaVersion: 1 };
}

export interface QueueDeps {
  collections: MailCollections;
  key: Buffer;
  publicUrl: string;
}

/** The one-click unsubscribe link of a recipient and kind. */
export function unsubscribeUrl(deps: Pick<QueueDeps, 'key' | 'publicUrl'>, recipientId: string, kind: string): string {
  return `${deps.publicUrl}/api/mail/unsubscribe?token=${unsubscribeToken(deps.key, recipientId, kind)}`;
}

/** Renders, seals and queues one message; returns its id (the existing one for a repeated `dedupeKey`). */
export async function enqueueMail(deps: QueueDeps, request: MailRequest, now: Date): Promise<string> {
  const id = request.dedupeKey ? `k:${request.dedupeKey}` : randomUUID();
  const unsubscribe = unsubscribeUrl(deps, request.recipientId, request.kind);
  const rendered = renderMail(request.kind, request.locale, request.params, unsubscribe);
  const headers: Record<string, string> = { 'Content-Language': request.locale };
  if (rendered.text.includes(unsubscribe)) {
    // RFC 8058: mail clients offer "unsubscribe", and POST to the link without a visit.
    headers['List-Unsubscribe'] = `<${unsubscribe}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  const sealed: SealedMail = { to: request.to, ...rendered, headers };
  const document: QueuedMailDocument = {
    _id: id,
    kind: request.kind,
    recipientId: request.recipientId,
    status: 'queued',
    attempts: 0,
    nextAttemptAt: now,
    createdAt: now,
    sealed: sealJson(deps.key, sealed, binding({ _id: id, recipientId: request.recipientId })),
  };
  try {
    await deps.collections.queue.insertOne(document);
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
  return id;
}

/** Opens a queued message's sealed content for sending. */
export function openQueuedMail(key: Buffer, message: QueuedMailDocument): SealedMail {
  return openJson<SealedMail>(key, toBuffer(message.sealed), binding(message));
}
