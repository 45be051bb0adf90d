// The e-mailed unlock link: when log-ins of an account are being slowed down, its owner gets a link that lets them
// in again at once from the address that opens it (see LoginThrottle.unlock), without weakening the delay elsewhere.
import type { Model } from 'mongoose';
import type { AuditTrail } from '../audit/index.js';
import type { Keyring } from '../crypto/keyring.js';
import { claimOnce } from '../db/claims.js';
import { mailAccount, type AccountMailDeps } from './account-mail.js';
import { consumeAccountToken, issueAccountToken, type AccountTokenStores } from './account-tokens.js';
import type { LoginThrottle } from './login-throttle.js';
import type { UserDocument } from './user.model.js';

export interface LoginUnlockDeps {
  users: Model<UserDocument>;
  keyring: Keyring;
  throttle: LoginThrottle;
  accountMail: AccountMailDeps;
  accountTokens: AccountTokenStores;
  windowSeconds: number;
  audit?: AuditTrail;
}

/** Mails the owner of a slowed-down account an unlock link, once per throttle window (nothing for unknown ones). */
export async function offerUnlock(deps: LoginUnlockDeps, emailIndex: string, now: Date): Promise<void> {
  const user = await deps.users.findOne({ emailIndex }).lean();
  if (!user || user.status !== 'active') return;
  const size = deps.windowSeconds * 1000;
  const window = Math.floor(now.getTime() / size);
  const claimed = await claimOnce(deps.accountMail.claims, `unlock-offer:${user._id}:${window}`, {
    expiresAt: new Date((window + 1) * size),
  });
  if (!claimed) return;
  const token = await issueAccountToken(deps.accountTokens, 'login-unlock', user._id, now);
  await mailAccount(deps.accountMail, user, 'login-unlock', `/unlock?token=${token}`, now);
  await deps.audit?.append('login.unlock_offered', user._id, {}, now);
}

/** Uses an unlock token once: the account's delays are lifted for the address that presents it. */
export async function unlockLogin(
  deps: LoginUnlockDeps,
  token: string,
  clientAddress: string,
  now: Date,
): Promise<void> {
  const userId = await consumeAccountToken(deps.accountTokens, 'login-unlock', token, now);
  const user = await deps.users.findById(userId, { emailIndex: 1 }).lean();
  if (!user) return;
  await deps.throttle.unlock(user.emailIndex, deps.keyring.blindIndex('ip', clientAddress));
  await deps.audit?.append('login.unlocked', userId, {}, now);
}
