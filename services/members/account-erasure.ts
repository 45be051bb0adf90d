// The members' part of an erasure: the password check before it, and the account records it removes — the user
// with its wrapped data key (every ciphertext of the person becomes unreadable), sessions and refresh tokens.
import type { Connection } from 'mongoose';
import type { PasswordHasher } from '../crypto/password-hasher.js';
import { NotAuthenticated, NotFound } from '../errors.js';
import { refreshTokenModel, sessionModel } from './session.model.js';
import { userModel } from './user.model.js';

export interface AccountErasureDeps {
  connection: Connection;
  passwords: PasswordHasher;
}

/** Checks the re-entered password of an account: NotFound when it is gone, NotAuthenticated when it is wrong. */
export async function verifyAccountPassword(
  deps: AccountErasureDeps,
  memberId: string,
  password: string,
): Promise<void> {
  const user = await userModel(deps.connection).findById(memberId, { passwordHash: 1 }).lean();
  if (!user) throw new NotFound();
  if (!(await deps.passwords.verify(password, user.passwordHash))) {
    throw new NotAuthenticated('invalid_credentials', 'The password is wrong.');
  }
}

/** Deletes the account (and its wrapped key), marks its open sessions revoked `account_erased`, drops refresh tokens. */
export async function eraseAccountRecords(
  deps: Pick<AccountErasureDeps, 'connection'>,
  memberId: string,
  now: Date,
): Promise<void> {
  await userModel(deps.connection).deleteOne({ _id: memberId });
  await Promise.all([
    sessionModel(deps.connection).updateMany(
      { userId: memberId, revokedAt: { $exists: false } },
      { $set: { revokedAt: now, revokedReason: 'account_erased' } },
    ),
    refreshTokenModel(deps.connection).deleteMany({ userId: memberId }),
  ]);
}
