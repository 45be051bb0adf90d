// The mail context's collections: the queue of messages to send, the claims of send attempts, members' opt-outs.
import type { Connection, mongo } from 'mongoose';

export const MAIL_QUEUE_COLLECTION = 'mail_queue';
export const MAIL_CLAIMS_COLLECTION = 'mail_claims';
export const MAIL_OPT_OUTS_COLLECTION = 'mail_opt_outs';

/**
 * One message waiting to be sent. Only what the sender must read is plaintext (kind, recipient id, schedule);
 * the address, subject and bodies are sealed under the mail key, bound to this document. Once sent or failed
 * for good the sealed content is removed; the rest stays a week (a repeated `dedupeKey` finds it), then goes.
 */
export interface QueuedMailDocument {
  _id: string;
  kind: string;
  /** The account the message is for (an id, never the address). */
  recipientId: string;
  status: 'queued' | 'sent' | 'failed';
  sentAt?: Date;
  /** Attempts made so far; attempt n+1 is claimed as `<_id>:<n+1>` in mail_claims. */
  attempts: number;
  nextAttemptAt: Date;
  createdAt: Date;
  sealed?: Buffer;
  /** The transport's last error code (e.g. `EENVELOPE`, a SMTP reply code): never content. */
  lastError?: string;
}

/** The claim of one send attempt: whoever inserts `<messageId>:<attempt>` first sends it. */
export interface MailClaimDocument {
  _id: string;
  claimedAt: Date;
  by: string;
}

/** One member's "no e-mail of this kind" (`<userId>:<kind>`); idempotent to write and to delete. */
export interface MailOptOutDocument {
  _id: string;
  userId: string;
  kind: string;
  at: Date;
}

/** The three collections bound to a connection. */
export function mailCollections(connection: Connection) {
  return {
    queue: connection.collection<QueuedMailDocument>(MAIL_QUEUE_COLLECTION),
    claims: connection.collection<MailClaimDocument>(MAIL_CLAIMS_COLLECTION),
    optOuts: connection.collection<MailOptOutDocument>(MAIL_OPT_OUTS_COLLECTION),
  };
}

export type MailCollections = ReturnType<typeof mailCollections>;

/** The untyped view db/claims.ts works on. */
export function untyped<T extends mongo.Document>(collection: mongo.Collection<T>): mongo.Collection<mongo.Document> {
  return collection as unknown as mongo.Collection<mongo.Document>;
}
