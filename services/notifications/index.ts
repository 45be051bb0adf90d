// The notifications context: an in-app list per account plus e-mail through the mail context, each kind's e-mail
// switchable by the member (one-click unsubscribe or their settings). Other contexts call `notify`.
import type { Connection } from 'mongoose';
import { isDuplicateKey } from '../db/connection.js';
import { NotFound } from '../errors.js';
import type { Mail, MailLocale, NotificationMailKind } from '../mail/index.js';
import { notificationCollection, type NotificationDocument } from './notifications.model.js';

export type { NotificationDocument } from './notifications.model.js';
export { runVoteNotices, type VoteNoticeDeps } from './vote-notices.js';

/** One event for one account: the in-app entry, and the e-mail unless the member switched the kind off. */
export interface NotificationRequest {
  kind: NotificationMailKind;
  /** The event (a proposal id, an application decision): the same event notifies an account once. */
  eventId: string;
  userId: string;
  params: Record<string, string>;
  /** Where the e-mail goes; without it only the in-app entry is made. */
  email?: { to: string; locale: MailLocale; name: string; url?: string; params?: Record<string, string> };
}

/** What other contexts need: notify one account of one event. */
export interface Notifier {
  notify(request: NotificationRequest, now: Date): Promise<void>;
}

/**
 * How long a notification is kept (read or not): a year. Its id is also what makes an event notify once, so the
 * retention must outlast every event a job may still look at — an open vote and the outcome look-back (7 days).
 */
export const NOTIFICATION_RETENTION_MS = 365 * 86_400_000;

/** Binds the notifications to their collection and the mail context. */
export function createNotifications(deps: {
  connection: Connection;
  mail: Pick<Mail, 'enqueue' | 'optedOutKinds' | 'setEmailEnabled'>;
}) {
  const collection = notificationCollection(deps.connection);
  return {
    async ensureIndexes(): Promise<void> {
      await collection.createIndex({ userId: 1, createdAt: -1 });
    },

    /** Records the event for the account (once) and queues its e-mail; a repeated event does nothing. */
    async notify(request: NotificationRequest, now: Date): Promise<void> {
      const _id = `${request.kind}:${request.eventId}:${request.userId}`;
      try {
        await collection.insertOne({
          _id,
          userId: request.userId,
          kind: request.kind,
          params: request.params,
          createdAt: now,
        });
      } catch (error) {
        if (isDuplicateKey(error)) return;
        throw error;
      }
      if (!request.email) return;
      const { to, locale, name, url, params } = request.email;
      await deps.mail.enqueue(
        {
          kind: request.kind,
          recipientId: request.userId,
          to,
          locale,
          params: { ...request.params, ...params, name, ...(url !== undefined && { url }) },
          dedupeKey: _id,
        },
        now,
      );
    },

    /** The account's notifications, newest first (at most `limit`). */
    async list(userId: string, limit = 50): Promise<NotificationDocument[]> {
      return collection.find({ userId }).sort({ createdAt: -1, _id: 1 }).limit(limit).toArray();
    },

    /** Marks one of the account's own notifications read (another account's is not found). */
    async markRead(userId: string, id: string, now: Date): Promise<void> {
      const found = await collection.findOne({ _id: id }, { projection: { userId: 1, readAt: 1 } });
      if (!found || found.userId !== userId) throw new NotFound();
      if (!found.readAt) await collection.updateOne({ _id: id }, { $set: { readAt: now } });
    },

    /** Housekeeping: deletes notifications older than NOTIFICATION_RETENTION_MS; returns how many. */
    async sweepOld(now: Date): Promise<number> {
      const cutoff = new Date(now.getTime() - NOTIFICATION_RETENTION_MS);
      return (await collection.deleteMany({ createdAt: { $lt: cutoff } })).deletedCount;
    },

    /** The kinds whose e-mail the account switched off, and switching one on or off. */
    emailOptOuts: (userId: string) => deps.mail.optedOutKinds(userId),
    setEmail: (userId: string, kind: NotificationMailKind, enabled: boolean, now: Date) =>
      deps.mail.setEmailEnabled(userId, kind, enabled, now),
  };
}

/** The notifications context as bound by `createNotifications`. */
export type Notifications = ReturnType<typeof createNotifications>;
