// E-mail verification: the link sent at registration marks the account's address as confirmed by its owner.
import type { Model } from 'mongoose';
import type { AuditTrail } from '../audit/index.js';
import { consumeAccountToken, type AccountTokenStores } from './account-tokens.js';
import type { UserDocument } from './user.model.js';

/** Uses a verification token once and marks its account verified (the first confirmation's instant stays). */
export async function verifyEmail(
  deps: { users: Model<UserDocument>; accountTokens: AccountTokenStores; audit?: AuditTrail },
  token: string,
  now: Date,
): Promise<void> {
  const userId = await consumeAccountToken(deps.accountTokens, 'email-verification', token, now);
  await deps.users.updateOne({ _id: userId, emailVerifiedAt: { $exists: false } }, { $set: { emailVerifiedAt: now } });
  await deps.audit?.append('account.email_verified', userId, {}, now);
}
