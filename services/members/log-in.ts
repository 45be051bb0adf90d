// Log-in: checks the password and opens a new session; unknown e-mail and wrong password look the same.
import { randomUUID } from 'node:crypto';
import type { Model } from 'mongoose';
import type { AuditTrail } from '../audit/index.js';
import type { TokenService } from '../auth/index.js';
import type { Keyring } from '../crypto/keyring.js';
import type { PasswordHasher } from '../crypto/password-hasher.js';
import { NotAuthenticated, TooManyRequests } from '../errors.js';
import { emailIndexOf } from './account-records.js';
import type { Attempt, LoginThrottle } from './login-throttle.js';
import type { TokenPair } from './members.model.js';
import type { RefreshTokenDocument, SessionDocument } from './session.model.js';
import { issueTokens } from './sessions.js';
import { issueAccountToken, type AccountTokenStores } from './account-tokens.js';
import { hasSecondFactor } from './second-factor.js';

/** The answer to a right password of an account with a second factor: prove it with this challenge next. */
export interface SecondFactorChallenge {
  secondFactorRequired: true;
  /** Also the WebAuthn challenge for a passkey. */
  challenge: string;
  /** The account's passkeys (credential ids) for navigator.credentials.get(). */
  passkeys: string[];
}
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
  /** Log-in challenges of accounts with a second factor; without it, the second factor is not asked for. */
  accountTokens?: AccountTokenStores;
  /** Mails the owner an unlock link when their account is slowed down (not awaited: the answer stays the same). */
  offerUnlock?: (emailIndex: string, now: Date) => Promise<void>;
  /** Log-ins (success and failure) go to the audit log, under the account id or a keyed hash of the e-mail. */
  audit?: AuditTrail;
}

const invalidCredentials = () => new NotAuthenticated('invalid_credentials', 'E-mail address or password is wrong.');

// A wrong password let through only because the account is known at an address over its budget looks like the
// over-limit answer every other attempt from there gets (see Attempt.overBudgetRetryAfter).
const refusal = (attempt: Attempt) =>
  attempt.overBudgetRetryAfter === undefined ? invalidCredentials() : new TooManyRequests(attempt.overBudgetRetryAfter);

/** Checks the password (throttled by growing delays, see login-throttle.ts) and opens a session with a fresh pair. */
export async function logIn(
  deps: LogInDeps,
  email: string,
  password: string,
  clientAddress: string,
  now: Date,
): Promise<TokenPair | SecondFactorChallenge> {
  const { users, keyring, passwords, throttle, audit } = deps;
  const emailIndex = emailIndexOf(keyring, email);
  let attempt: Attempt;
  try {
    attempt = await throttle.beforeAttempt(emailIndex, keyring.blindIndex('ip', clientAddress), now);
  } catch (error) {
    if (error instanceof TooManyRequests) void deps.offerUnlock?.(emailIndex, now).catch(() => {});
    throw error;
  }
  const user = await users.findOne({ emailIndex }).lean();
  if (!user) {
    await passwords.verifyAgainstDummy(password);
    await throttle.recordFailure(attempt, now);
    await audit?.append('login.failed', `email:${emailIndex.slice(0, 32)}`, {}, now);
    throw refusal(attempt);
  }
  if (!(await passwords.verify(password, user.passwordHash))) {
    await throttle.recordFailure(attempt, now);
    await audit?.append('login.failed', user._id, {}, now);
    throw refusal(attempt);
  }
  if (user.status !== 'active') throw refusal(attempt);
  if (hasSecondFactor(user) && deps.accountTokens) {
    // The password was right, but the attempt counts as a success only once the second factor is too.
    const challenge = await issueAccountToken(deps.accountTokens, 'login-challenge', user._id, now, { attempt });
    await audit?.append('login.second_factor_requested', user._id, {}, now);
    return { secondFactorRequired: true, challenge, passkeys: (user.secondFactor?.passkeys ?? []).map((p) => p.id) };
  }
  await throttle.recordSuccess(attempt, now);
  return openSession(deps, user, now);
}

/** Opens a new session of the account (after every factor it has) and issues its first token pair. */
export async function openSession(
  deps: Pick<LogInDeps, 'sessions' | 'refreshTokens' | 'tokens' | 'refreshTtlSeconds' | 'audit'>,
  user: UserDocument,
  now: Date,
  options: { secondFactor?: boolean } = {},
): Promise<TokenPair> {
  const session: SessionDocument = {
    _id: randomUUID(),
    userId: user._id,
    createdAt: now,
    expiresAt: new Date(now.getTime() + deps.refreshTtlSeconds * 1000),
    ...(options.secondFactor && { secondFactorAt: now }),
  };
  await deps.sessions.create(session);
  await deps.audit?.append(
    'login.succeeded',
    user._id,
    { sessionId: session._id, ...(options.secondFactor && { secondFactor: true }) },
    now,
  );
  return issueTokens(deps, user, session, now);
}
