// The second factor: TOTP enrolment (the secret sealed under the member's key, confirmed with a first code), ten
// single-use recovery codes (keyed hashes only), and the check of a code at log-in. Every code works once: a TOTP
// step and a recovery code are each claimed (a unique insert) when used.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Model, mongo } from 'mongoose';
import type { AuditTrail } from '../audit/index.js';
import { openJson, sealJson, type Binding } from '../crypto/aead.js';
import type { Keyring } from '../crypto/keyring.js';
import { claimOnce } from '../db/claims.js';
import { toBuffer } from '../db/connection.js';
import { Conflict, InvalidRequest, NotFound } from '../errors.js';
import { openProfile } from './profile.js';
import { base32Encode, matchTotp, otpauthUri } from './domain/totp.js';
import type { UserDocument } from './user.model.js';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { checkPasskey, type RelyingParty } from './passkeys.js';
import { newRecoveryCodes, recoveryHash } from './recovery-codes.js';

export { RECOVERY_CODE_COUNT } from './recovery-codes.js';

const ISSUER = 'Datacoop';

export interface SecondFactorDeps {
  users: Model<UserDocument>;
  claims: mongo.Collection<mongo.Document>;
  keyring: Keyring;
  audit?: AuditTrail;
  /** Needed to check passkeys. */
  relyingParty?: RelyingParty;
}

/** What the owner proves at log-in: a code from the authenticator app, a recovery code, or a passkey assertion. */
export type SecondFactorProof = { code: string } | { recoveryCode: string } | { passkey: AuthenticationResponseJSON };

function totpBinding(userId: string): Binding {
  return { collection: 'users.totp', recordId: userId, memberId: userId, schemaVersion: 1 };
}

const invalidCode = () =>
  new InvalidRequest('invalid_code', 'This code is not valid.', [
    { field: 'code', code: 'invalid_code', message: 'This code is not valid (or was used already).' },
  ]);

async function loadUser(deps: SecondFactorDeps, userId: string): Promise<UserDocument> {
  const user = await deps.users.findById(userId).lean();
  if (!user) throw new NotFound();
  return user;
}

function openSecret(deps: SecondFactorDeps, user: UserDocument): Buffer | null {
  if (!user.secondFactor?.totp) return null;
  const key = deps.keyring.unwrapMemberKey(user._id, toBuffer(user.wrappedKey));
  return Buffer.from(openJson<string>(key, toBuffer(user.secondFactor.totp), totpBinding(user._id)), 'base64');
}

/** True when the account has a confirmed second factor (an authenticator app or a passkey). */
export function hasSecondFactor(user: Pick<UserDocument, 'secondFactor'>): boolean {
  return user.secondFactor?.totpConfirmedAt !== undefined || (user.secondFactor?.passkeys?.length ?? 0) > 0;
}

/** Starts (or restarts) a TOTP enrolment: a new sealed secret, shown once as base32 and as an otpauth:// URI. */
export async function beginTotpEnrolment(
  deps: SecondFactorDeps,
  userId: string,
): Promise<{ secret: string; otpauthUri: string }> {
  const user = await loadUser(deps, userId);
  if (user.secondFactor?.totpConfirmedAt) {
    throw new Conflict('second_factor_enrolled', 'An authenticator app is already set up.');
  }
  const key = deps.keyring.unwrapMemberKey(user._id, toBuffer(user.wrappedKey));
  const secret = randomBytes(20);
  const sealed = sealJson(key, secret.toString('base64'), totpBinding(userId));
  await deps.users.updateOne(
    { _id: userId },
    { $set: { secondFactor: { ...user.secondFactor, totp: sealed, enrolmentId: randomUUID() } } },
  );
  const email = openProfile(key, user._id, toBuffer(user.profile)).email;
  return { secret: base32Encode(secret), otpauthUri: otpauthUri(secret, email, ISSUER) };
}

/** Confirms the pending enrolment with a first code; returns the ten recovery codes (shown once, stored hashed). */
export async function confirmTotpEnrolment(
  deps: SecondFactorDeps,
  userId: string,
  code: string,
  now: Date,
): Promise<{ recoveryCodes: string[] }> {
  const user = await loadUser(deps, userId);
  if (user.secondFactor?.totpConfirmedAt) {
    throw new Conflict('second_factor_enrolled', 'An authenticator app is already set up.');
  }
  const secret = openSecret(deps, user);
  if (!secret) throw new Conflict('no_enrolment', 'Start the enrolment first.');
  if (!(await useTotpCode(deps, userId, secret, code, now))) throw invalidCode();
  // Of two concurrent confirmations of one enrolment, one wins: its recovery codes are the ones that count.
  if (!(await claimOnce(deps.claims, `totp-enrolled:${userId}:${user.secondFactor!.enrolmentId}`, { at: now }))) {
    throw new Conflict('second_factor_enrolled', 'A second factor is already set up.');
  }
  const recoveryCodes = newRecoveryCodes();
  await deps.users.updateOne(
    { _id: userId },
    {
      $set: {
        secondFactor: {
          ...user.secondFactor,
          totpConfirmedAt: now,
          recoveryCodes: recoveryCodes.map((c) => recoveryHash(deps.keyring, userId, c)),
        },
        updatedAt: now,
      },
    },
  );
  await deps.audit?.append('account.second_factor_enrolled', userId, { method: 'totp' }, now);
  return { recoveryCodes };
}

/** Checks a proof of the account's second factor, using it up (a TOTP step or a recovery code works once). */
export async function checkSecondFactor(
  deps: SecondFactorDeps,
  user: UserDocument,
  proof: SecondFactorProof,
  now: Date,
  /** The log-in challenge: a passkey signs it. */
  loginChallenge = '',
): Promise<boolean> {
  if ('passkey' in proof) {
    return (
      deps.relyingParty !== undefined &&
      checkPasskey({ users: deps.users, relyingParty: deps.relyingParty }, user, loginChallenge, proof.passkey, now)
    );
  }
  if ('code' in proof) {
    const secret = user.secondFactor?.totpConfirmedAt ? openSecret(deps, user) : null;
    return secret !== null && useTotpCode(deps, user._id, secret, proof.code, now);
  }
  const hash = recoveryHash(deps.keyring, user._id, proof.recoveryCode);
  if (!user.secondFactor?.recoveryCodes?.includes(hash)) return false;
  const used = await claimOnce(deps.claims, `recovery-code-used:${hash}`, { at: now });
  if (used) await deps.audit?.append('account.recovery_code_used', user._id, {}, now);
  return used;
}

// A matching code whose time step was not used before for this account.
async function useTotpCode(deps: SecondFactorDeps, userId: string, secret: Buffer, code: string, now: Date) {
  const step = matchTotp(secret, code, now);
  return step !== null && claimOnce(deps.claims, `totp-used:${userId}:${step}`, { at: now });
}
