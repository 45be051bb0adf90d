// The caller's notifications (newest first, mark read) and which kinds also come by e-mail.
import { NOTIFICATION_MAIL_KINDS } from '../../../mail/index.js';
import type { Notifications } from '../../../notifications/index.js';
import type { ApiRouter } from '../../api-router.js';
import {
  emailSettingBody,
  notificationIdParams,
  notificationKindParams,
  notificationListSchema,
  notificationSettingsSchema,
} from './notifications.schema.js';

/** The e-mail setting of every kind for an account (on unless switched off). */
async function settingsOf(notifications: Notifications, userId: string) {
  const off = new Set(await notifications.emailOptOuts(userId));
  return { settings: NOTIFICATION_MAIL_KINDS.map((kind) => ({ kind, email: !off.has(kind) })) };
}

/** Adds /api/me/notifications and /api/me/notification-settings. */
export function notificationRoutes(api: ApiRouter, notifications: Notifications, now: () => Date): void {
  api
    .route(
      {
        method: 'get',
        path: '/api/me/notifications',
        summary: 'Your notifications, newest first (at most 50)',
        tag: 'me',
        access: 'authenticated',
        success: { status: 200, schema: notificationListSchema, description: 'Your notifications' },
      },
      async ({ actor }) => ({
        notifications: (await notifications.list(actor!.userId)).map((n) => ({
          id: n._id,
          kind: n.kind as (typeof NOTIFICATION_MAIL_KINDS)[number],
          params: n.params,
          createdAt: n.createdAt.toISOString(),
          read: n.readAt !== undefined,
        })),
      }),
    )
    .route(
      {
        method: 'post',
        path: '/api/me/notifications/:id/read',
        summary: 'Mark one of your notifications read',
        tag: 'me',
        access: 'authenticated',
        params: notificationIdParams,
        success: { status: 204, description: 'Marked read' },
        errors: { 404: 'not_found (also for another account’s notification)' },
      },
      async ({ actor, params }) => notifications.markRead(actor!.userId, params.id, now()),
    )
    .route(
      {
        method: 'get',
        path: '/api/me/notification-settings',
        summary: 'Which kinds of notification also come by e-mail',
        tag: 'me',
        access: 'authenticated',
        success: { status: 200, schema: notificationSettingsSchema, description: 'Your settings' },
      },
      async ({ actor }) => settingsOf(notifications, actor!.userId),
    )
    .route(
      {
        method: 'put',
        path: '/api/me/notification-settings/:kind',
        summary: 'Switch the e-mail of one kind of notification on or off (the in-app list keeps every kind)',
        tag: 'me',
        access: 'authenticated',
        params: notificationKindParams,
        body: emailSettingBody,
        success: { status: 200, schema: notificationSettingsSchema, description: 'Your settings' },
      },
      async ({ actor, params, body }) => {
        await notifications.setEmail(actor!.userId, params.kind, body.email, now());
        return settingsOf(notifications, actor!.userId);
      },
    );
}
