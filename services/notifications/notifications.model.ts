// The in-app notifications: one document per (event, account), so a job that runs twice notifies once.
import type { Connection } from 'mongoose';

export interface NotificationDocument {
  /** `<kind>:<event id>:<account id>`: the unique insert that decides "notified once". */
  _id: string;
  userId: string;
  kind: string;
  /** What the list shows (a decision, a public title): never a sealed personal value. */
  params: Record<string, string>;
  createdAt: Date;
  readAt?: Date;
}

/** The notifications collection bound to a connection. */
export function notificationCollection(connection: Connection) {
  return connection.collection<NotificationDocument>('notifications');
}
