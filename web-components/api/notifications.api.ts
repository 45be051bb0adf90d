// The caller's notification e-mail settings: which kinds also come by e-mail (the in-app list keeps every kind).
import { requestJson } from './session.js';
import type { NotificationSettings } from './types.js';

export type NotificationKind = NotificationSettings['settings'][number]['kind'];

/** GET /api/me/notification-settings */
export function fetchNotificationSettings(): Promise<NotificationSettings> {
  return requestJson<NotificationSettings>('GET', '/api/me/notification-settings');
}

/** PUT /api/me/notification-settings/:kind — switches the e-mail of one kind on or off; answers every setting. */
export function setNotificationEmail(kind: NotificationKind, email: boolean): Promise<NotificationSettings> {
  return requestJson<NotificationSettings>('PUT', `/api/me/notification-settings/${encodeURIComponent(kind)}`, {
    email,
  });
}
