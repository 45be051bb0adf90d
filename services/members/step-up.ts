// Step-up re-authentication: a signed-in caller confirms it is them again (the password, or the second factor when
// the account has one) and gets an access token of the same session marked freshly authenticated, which erasure,
// admission decisions and exports require (auth/step-up.ts). Guessing is throttled exactly like log-in: the same
// per-(account, address) and per-account delays, shared with log-in, so step-up is no side door for guesses.
import type { Model } from 'mongoose';
import type { AuditTrail } from '../audit/index.js';
import { STEP_UP_MAX_AGE_MS, type Actor, type TokenService } from '../auth/index.js';
import type { Keyring } from '../crypto/keyring.js';
import type { PasswordHasher } from '../crypto/password-hasher.js';
import { InvalidRequest, NotAuthenticated } from '../errors.js';
import { consumeAccountToken, issueAccountToken, type AccountTokenStores } from './account-tokens.js';
import type { LoginThrottle } from './login-throttle.js';
import { checkSecondFactor, hasSecondFactor, type SecondFactorDeps, type SecondFactorProof } from './second-factor.js';
import type { SessionDocument } from './session.model.js';
import { accessClaimsOf } from './sessions.js';
import type { UserDocument } from './user.model.js';

export interface StepUpDeps extends SecondFactorDeps {
  users: Model<UserDocument>;
  sessions: Model<SessionDocument>;
  keyring: Keyring;
  passwords: PasswordHasher;
  throttle: LoginThrottle;
  tokens: TokenService;
  accountTokens: AccountTokenStores;
  audit?: AuditTrail;
}

/** What the caller must give: the password, or a second factor (with a challenge for a passkey to sign). */
export interface StepUpChallenge {
  method: 'password' | 'second-factor';
  totp: boolean;
  challenge?: string;
  passkeys: string[];
}

/** The proof of a step-up: the password (accounts without a second factor) or the second factor. */
export type StepUpProof = { password: string } | Exclude<SecondFactorProof, { passkey: unknown }> | PasskeyStepUp;
type PasskeyStepUp = Extract<SecondFactorProof, { passkey: unknown }> & { challenge: string };

export interface SteppedUp {
  accessToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
  freshFor: number;
}

const sessionOver = () => new NotAuthenticated('invalid_token', 'The access token is not valid.');
const wrongPassword = () => new NotAuthenticated('invalid_credentials', 'The password is wrong.');
const wrongFactor = () => new NotAuthenticated('invalid_second_factor', 'The code is wrong or was used already.');

/** What a step-up of this caller needs; for an account with passkeys, a single-use challenge for them to sign. */
export async function stepUpChallenge(deps: StepUpDeps, actor: Actor, now: Date): Promise<StepUpChallenge> {
  const user = await deps.users.findById(actor.userId).lean();
  if (!user || user.status !== 'active') throw sessionOver();
  if (!hasSecondFactor(user)) return { method: 'password', totp: false, passkeys: [] };
  const passkeys = (user.secondFactor?.passkeys ?? []).map((p) => p.id);
  const challenge =
    passkeys.length > 0 ? await issueAccountToken(deps.accountTokens, 'step-up-challenge', user._id, now) : undefined;
  return {
    method: 'second-factor',
    totp: user.secondFactor?.totpConfirmedAt !== undefined,
    ...(challenge && { challenge }),
    passkeys,
  };
}

/** Checks the proof (throttled as a log-in) and marks the caller's session authenticated now. */
export async function stepUp(
  deps: StepUpDeps,
  actor: Actor,
  proof: StepUpProof,
  clientAddress: string,
  now: Date,
): Promise<SteppedUp> {
  const [user, session] = await Promise.all([
    deps.users.findById(actor.userId).lean(),
    deps.sessions.findById(actor.sessionId).lean(),
  ]);
  if (!user || user.status !== 'active' || !session || session.revokedAt || session.expiresAt <= now) {
    throw sessionOver();
  }
  const secondFactor = hasSecondFactor(user);
  // With a second factor, the password alone is no longer the strongest proof the owner can give.
  if (secondFactor && 'password' in proof) {
    throw new InvalidRequest('second_factor_expected', 'Confirm with your second factor.', [
      { field: 'password', code: 'second_factor_expected', message: 'Use your authenticator app or a passkey.' },
    ]);
  }
  if (!secondFactor && !('password' in proof)) {
    throw new InvalidRequest('password_expected', 'Confirm with your password.', [
      {
        field: 'password',
        code: 'password_expected',
        message: 'Your account has no second factor: use your password.',
      },
    ]);
  }
  const attempt = await deps.throttle.beforeAttempt(user.emailIndex, deps.keyring.blindIndex('ip', clientAddress), now);
  if (!(await proves(deps, user, proof, now))) {
    await deps.throttle.recordFailure(attempt, now);
    await deps.audit?.append('step_up.failed', user._id, { sessionId: session._id }, now);
    throw 'password' in proof ? wrongPassword() : wrongFactor();
  }
  await deps.throttle.recordSuccess(attempt, now);
  await deps.sessions.updateOne({ _id: session._id }, { $set: { authenticatedAt: now } });
  await deps.audit?.append('step_up.succeeded', user._id, { sessionId: session._id }, now);
  const claims = accessClaimsOf(user, { ...session, authenticatedAt: now }, now);
  const access = await deps.tokens.issueAccessToken(claims, now);
  return {
    accessToken: access.token,
    expiresIn: access.expiresIn,
    tokenType: 'Bearer',
    freshFor: Math.floor(STEP_UP_MAX_AGE_MS / 1000),
  };
}

async function proves(deps: StepUpDeps, user: UserDocument, proof: StepUpProof, now: Date): Promise<boolean> {
  if ('password' in proof) return deps.passwords.verify(proof.password, user.passwordHash);
  if ('passkey' in proof) {
    const owner = await consumeAccountToken(deps.accountTokens, 'step-up-challenge', proof.challenge, now).catch(
      () => null,
    );
    if (owner !== user._id) return false;
    return checkSecondFactor(deps, user, { passkey: proof.passkey }, now, proof.challenge);
  }
  return checkSecondFactor(deps, user, proof, now);
}
