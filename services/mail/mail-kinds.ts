// Every kind of e-mail Datacoop sends, and whether a member may switch it off (account-security mail cannot be).

export const ACCOUNT_MAIL_KINDS = [
  'email-verification',
  'registration-attempt',
  'password-reset',
  'login-unlock',
] as const;
export const NOTIFICATION_MAIL_KINDS = [
  'membership-decided',
  'request-decided',
  'vote-opened',
  'vote-reminder',
  'outcome-published',
  'policy-includes-you',
] as const;

export type AccountMailKind = (typeof ACCOUNT_MAIL_KINDS)[number];
export type NotificationMailKind = (typeof NOTIFICATION_MAIL_KINDS)[number];
export type MailKind = AccountMailKind | NotificationMailKind;
export type MailLocale = 'en' | 'fr';

/** True for the kinds a member may unsubscribe from (every notification; never the account's own security mail). */
export function isOptional(kind: string): kind is NotificationMailKind {
  return (NOTIFICATION_MAIL_KINDS as readonly string[]).includes(kind);
}
