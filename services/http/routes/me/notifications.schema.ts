// Shapes of the caller's notifications and their e-mail settings.
import { z } from 'zod';
import { NOTIFICATION_MAIL_KINDS } from '../../../mail/index.js';

export const notificationKindSchema = z.enum(NOTIFICATION_MAIL_KINDS);
export const notificationSchema = z.object({
  id: z.string(),
  kind: notificationKindSchema,
  params: z.record(z.string(), z.string()).describe('What the event was (a decision, a public title)'),
  createdAt: z.string(),
  read: z.boolean(),
});
export const notificationListSchema = z.object({ notifications: z.array(notificationSchema) });
export const notificationIdParams = z.strictObject({ id: z.string().min(1).max(300) });
export const notificationKindParams = z.strictObject({ kind: notificationKindSchema });
export const emailSettingBody = z.strictObject({ email: z.boolean() });
export const notificationSettingsSchema = z.object({
  settings: z.array(z.object({ kind: notificationKindSchema, email: z.boolean() })),
});
