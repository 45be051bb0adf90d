// Password reset by a mailed, single-use, short-lived token (stored hashed). Asking answers the same whether the
// address has an account or not; using the token sets the new password and ends every session of the account.
import type { Model, mongo } from 'mongoose';
import type { AuditTrail } from '../audit/index.js';
import type { Revocations } from '../auth/index.js';
import type { Keyring } from '../crypto/keyring.js';
import type { PasswordHasher } from '../crypto/password-hasher.js';
import { emailIndexOf } from './account-records.js';
import { mailAccount, type AccountMailDeps } from './account-mail.js';
import {
  consumeAccountToken,
  issueAccountToken,
  revokeAccountTokens,
  type AccountTokenStores,
} from './account-tokens.js';
import type { LoginThrottle } from './login-throttle.js';
import type { RefreshTokenDocument, SessionDocument } from './session.model.js';
import { revokeSession } from './sessions.js';
import type { UserDocument } from './user.model.js';

export interface PasswordResetDeps {
  users: Model<UserDocument>;
  sessions: Model<SessionDocument>;
  refreshTokens: Model<RefreshTokenDocument>;
  claims: mongo.Collection<mongo.Document>;
  keyring: Keyring;
  passwords: PasswordHasher;
  revocations: Revocations;
  throttle: LoginThrottle;
  accountMail: AccountMailDeps;
  accountTokens: AccountTokenStores;
  audit?: AuditTrail;
}

/**
 * Mails a reset link if the address has an active account. Counts against the client address's budget (as log-in
 * and registration do) and at most a few mails per account and hour; the caller answers 202 in every case.
 */
export async function requestPasswordReset(
  deps: PasswordResetDeps,
  email: string,
  clientAddress: string,
  now: Date,
): Promise<void> {
  await deps.throttle.beforeRegistration(deps.keyring.blindIndex('ip', clientAddress), now);
  const user = await deps.users.findOne({ emailIndex: emailIndexOf(deps.keyring, email) }).lean();
  if (!user || user.status !== 'active') {
    await deps.audit?.append(
      'account.password_reset_requested',
      `email:${emailIndexOf(deps.keyring, email).slice(0, 32)}`,
      { known: false },
      now,
    );
    return;
  }
  const token = await issueAccountToken(deps.accountTokens, 'password-reset', user._id, now);
  const sent = await mailAccount(deps.accountMail, user, 'password-reset', `/reset-password?token=${token}`, now);
  await deps.audit?.append('account.password_reset_requested', user._id, { mailed: sent }, now);
}

/** Sets a new password with a reset token (once), drops the other reset links and ends every session. */
export async function resetPassword(
  deps: PasswordResetDeps,
  token: string,
  password: string,
  now: Date,
): Promise<void> {
  const userId = await consumeAccountToken(deps.accountTokens, 'password-reset', token, now);
  const passwordHash = await deps.passwords.hash(password);
  await deps.users.updateOne({ _id: userId }, { $set: { passwordHash, updatedAt: now } });
  await revokeAccountTokens(deps.accountTokens, 'password-reset', userId);
  await endEverySession(deps, userId, now);
  await deps.audit?.append('account.password_reset', userId, {}, now);
}

// Every open session ends (refresh tokens stop at once, access tokens at their next request).
async function endEverySession(deps: PasswordResetDeps, userId: string, now: Date): Promise<void> {
  const open = await deps.sessions.find({ userId, revokedAt: { $exists: false } }, { _id: 1 }).lean();
  await Promise.all(open.map((session) => revokeSession(deps, session._id, 'password_reset', now)));
  await deps.refreshTokens.deleteMany({ userId });
  await deps.revocations.accountChanged(userId, now);
}
