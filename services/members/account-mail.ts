// The account's own mail (verification, "someone tried to register", reset, unlock): to the address in the sealed
// profile, in the account's language, at most a few of each kind per hour so nobody can flood an inbox through us.
import type { mongo } from 'mongoose';
import type { Keyring } from '../crypto/keyring.js';
import { takeSlot } from '../db/claims.js';
import type { AccountMailKind, MailQueue } from '../mail/index.js';
import { toAccount } from './account-records.js';
import type { UserDocument } from './user.model.js';

/** Messages of one kind an account receives per hour at most; further requests are answered alike but send nothing. */
export const ACCOUNT_MAIL_PER_HOUR = 3;

export interface AccountMailDeps {
  keyring: Keyring;
  claims: mongo.Collection<mongo.Document>;
  mail?: MailQueue;
  publicUrl: string;
}

/** Queues one account mail of `kind` linking to `path` (a web-app route); false when the hourly budget is spent. */
export async function mailAccount(
  deps: AccountMailDeps,
  user: UserDocument,
  kind: AccountMailKind,
  path: string | undefined,
  now: Date,
): Promise<boolean> {
  if (!deps.mail) return false;
  const hour = Math.floor(now.getTime() / 3600_000);
  const slot = await takeSlot(deps.claims, `account-mail:${user._id}:${kind}:${hour}`, ACCOUNT_MAIL_PER_HOUR, {
    expiresAt: new Date((hour + 1) * 3600_000),
  });
  if (slot === null) return false;
  const { profile } = toAccount(deps.keyring, user);
  await deps.mail.enqueue(
    {
      kind,
      recipientId: user._id,
      to: profile.email,
      locale: user.locale ?? 'en',
      params: { name: profile.name, ...(path !== undefined && { url: `${deps.publicUrl}${path}` }) },
    },
    now,
  );
  return true;
}
