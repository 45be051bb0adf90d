// Log-in: checks the password and opens a new session; unknown e-mail and wrong password look the same.
import { randomUUID } from 'node:crypto';
import type { Model } from 'mongoose';
import type { AuditTrail } from '../audit/index.js';
import type { TokenService } from '../auth/index.js';
import type { Keyring } from '../crypto/keyring.js';
import type { PasswordHasher } from '../crypto/password-hasher.js';
import { NotAuthenticated } from '../errors.js';
import { emailIndexOf } from './account-records.js';
import type { LoginThrottle } from './login-throttle.js';
import type { TokenPair } from './members.model.js';
import type { RefreshTokenDocument, SessionDocument } from './session.model.js';
import { issueTokens } from './sessions.js';
import type { UserDocument } from './user.model.js';

export interface LogInDeps {
  users: Model<UserDocument>;
  sessions: Model<SessionDocument>;
  refreshTokens: Model<RefreshTokenDocument>;
  keyring: Keyring;
  passwords: PasswordHasher;
  throttle: LoginThrottle;
  tokens: TokenService;
  refreshTtlSeconds: number;
  /** Log-ins (success and failure) go to the audit log, under the account id or a keyed hash of the e-mail. */
  audit?: AuditTrail;
}

const invalidCredentials = () => new NotAuthenticated('invalid_credentials', 'E-mail address or password is wrong.');

/** Checks the password (throttled per account and per address) and opens a session with a fresh token pair. */
export async function logIn(
  deps: LogInDeps,
  email: string,
  password: string,
  clientAddress: string,
  now: Date,
): Promise<TokenPair> {
  const { users, keyring, passwords, throttle, audit } = deps;
  const emailIndex = emailIndexOf(keyring, email);
  await throttle.beforeAttempt(emailIndex, keyring.blindIndex('ip', clientAddress), now);
  const user = await users.findOne({ emailIndex }).lean();
  if (!user) {
    await passwords.verifyAgainstDummy(password);
    await throttle.recordFailure(emailIndex, now);
    await audit?.append('login.failed', `email:${emailIndex.slice(0, 32)}`, {}, now);
    throw invalidCredentials();
  }
  if (!(await passwords.verify(password, user.passwordHash))) {
    await throttle.recordFailure(emailIndex, now);
    await audit?.append('login.failed', user._id, {}, now);
    throw invalidCredentials();
  }
  if (user.status !== 'active') throw invalidCredentials();
  await throttle.recordSuccess(emailIndex, now);
  const session: SessionDocument = {
    _id: randomUUID(),
    userId: user._id,
    createdAt: now,
    expiresAt: new Date(now.getTime() + deps.refreshTtlSeconds * 1000),
  };
  await deps.sessions.create(session);
  await audit?.append('login.succeeded', user._id, { sessionId: session._id }, now);
  return issueTokens(deps, user, session, now);
}
