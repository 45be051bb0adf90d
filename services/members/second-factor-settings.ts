// The owner's own second factors: what is set up (no key material), removing the authenticator app or a passkey,
// and a fresh set of recovery codes. The routes require a fresh authentication (step-up) for every change, so a
// stolen session cannot take a factor away or read new recovery codes. A steward keeps at least one factor: their
// routes refuse a log-in without one (api-router.ts), so removing the last would lock them out of their duties.
import type { Model, mongo } from 'mongoose';
import type { AuditTrail } from '../audit/index.js';
import type { Keyring } from '../crypto/keyring.js';
import { Conflict, NotFound } from '../errors.js';
import { newRecoveryCodes, recoveryHash } from './recovery-codes.js';
import { hasSecondFactor } from './second-factor.js';
import type { UserDocument } from './user.model.js';

export interface SecondFactorSettingsDeps {
  users: Model<UserDocument>;
  claims: mongo.Collection<mongo.Document>;
  keyring: Keyring;
  audit?: AuditTrail;
}

export interface PasskeyView {
  id: string;
  name: string | null;
  createdAt: Date | null;
  lastUsedAt: Date | null;
}

export interface SecondFactorsView {
  /** When the authenticator app was confirmed, or null when there is none. */
  totpSince: Date | null;
  passkeys: PasskeyView[];
  /** Recovery codes not used yet (0 when there is no second factor). */
  recoveryCodesLeft: number;
}

async function loadUser(deps: SecondFactorSettingsDeps, userId: string): Promise<UserDocument> {
  const user = await deps.users.findById(userId).lean();
  if (!user) throw new NotFound();
  return user;
}

/** What the owner has set up. */
export async function listSecondFactors(deps: SecondFactorSettingsDeps, userId: string): Promise<SecondFactorsView> {
  const user = await loadUser(deps, userId);
  const factor = user.secondFactor;
  const codes = hasSecondFactor(user) ? (factor?.recoveryCodes ?? []) : [];
  const used =
    codes.length === 0
      ? 0
      : await deps.claims.countDocuments({
          _id: { $in: codes.map((hash) => `recovery-code-used:${hash}`) as never[] },
        });
  return {
    totpSince: factor?.totpConfirmedAt ?? null,
    passkeys: (factor?.passkeys ?? []).map((p) => ({
      id: p.id,
      name: p.name ?? null,
      createdAt: p.createdAt ?? null,
      lastUsedAt: p.lastUsedAt ?? null,
    })),
    recoveryCodesLeft: codes.length - used,
  };
}

const lastFactor = () =>
  new Conflict(
    'last_second_factor',
    'A steward keeps at least one second factor: add another one before removing this one.',
  );

/**
 * Writes the account's new second-factor record if nobody changed the account since it was read (a concurrent
 * enrolment or removal is never silently undone: 409, try again).
 */
async function replaceFactors(
  deps: SecondFactorSettingsDeps,
  user: UserDocument,
  secondFactor: UserDocument['secondFactor'] | undefined,
  now: Date,
): Promise<void> {
  const update =
    secondFactor === undefined
      ? { $unset: { secondFactor: 1 }, $set: { updatedAt: now } }
      : { $set: { secondFactor, updatedAt: now } };
  const result = await deps.users.updateOne({ _id: user._id, updatedAt: user.updatedAt }, update);
  if (result.matchedCount === 0) {
    throw new Conflict('concurrent_change', 'The account changed at the same time; load it again and retry.');
  }
}

/** What remains after removing a factor; recovery codes go with the last one. */
function remaining(factor: NonNullable<UserDocument['secondFactor']>): UserDocument['secondFactor'] | undefined {
  const left = { ...factor };
  if (!hasSecondFactor({ secondFactor: left })) return undefined;
  return left;
}

/** Removes the authenticator app (its sealed secret); 404 when there is none. */
export async function removeTotp(deps: SecondFactorSettingsDeps, userId: string, now: Date): Promise<void> {
  const user = await loadUser(deps, userId);
  const factor = user.secondFactor;
  if (!factor?.totpConfirmedAt) throw new NotFound();
  const { totp: _secret, enrolmentId: _enrolment, totpConfirmedAt: _since, ...rest } = factor;
  const next = remaining(rest);
  if (next === undefined && user.role === 'steward') throw lastFactor();
  await replaceFactors(deps, user, next, now);
  await deps.audit?.append('account.second_factor_removed', userId, { method: 'totp' }, now);
}

/** Removes one of the owner's passkeys; another account's or an unknown id is 404. */
export async function removePasskey(
  deps: SecondFactorSettingsDeps,
  userId: string,
  passkeyId: string,
  now: Date,
): Promise<void> {
  const user = await loadUser(deps, userId);
  const factor = user.secondFactor;
  const passkeys = factor?.passkeys ?? [];
  if (!factor || !passkeys.some((p) => p.id === passkeyId)) throw new NotFound();
  const rest = { ...factor, passkeys: passkeys.filter((p) => p.id !== passkeyId) };
  const next = remaining(rest);
  if (next === undefined && user.role === 'steward') throw lastFactor();
  await replaceFactors(deps, user, next, now);
  await deps.audit?.append('account.second_factor_removed', userId, { method: 'passkey' }, now);
}

/** Ten new recovery codes (shown once); every earlier one stops working. 409 without a second factor. */
export async function renewRecoveryCodes(
  deps: SecondFactorSettingsDeps,
  userId: string,
  now: Date,
): Promise<{ recoveryCodes: string[] }> {
  const user = await loadUser(deps, userId);
  if (!hasSecondFactor(user)) {
    throw new Conflict('no_second_factor', 'Set up an authenticator app or a passkey first.');
  }
  const recoveryCodes = newRecoveryCodes();
  const secondFactor = {
    ...user.secondFactor,
    recoveryCodes: recoveryCodes.map((code) => recoveryHash(deps.keyring, userId, code)),
  };
  await replaceFactors(deps, user, secondFactor, now);
  await deps.audit?.append('account.recovery_codes_renewed', userId, {}, now);
  return { recoveryCodes };
}
