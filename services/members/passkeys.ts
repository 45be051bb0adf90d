// Passkeys (WebAuthn, @simplewebauthn/server) as a second factor: registration while signed in, and the proof at
// log-in, whose WebAuthn challenge is the log-in challenge itself (single-use, 5 minutes, see second-factor-login.ts).
import {
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Model } from 'mongoose';
import type { AuditTrail } from '../audit/index.js';
import type { Keyring } from '../crypto/keyring.js';
import { toBuffer } from '../db/connection.js';
import { InvalidRequest, NotFound } from '../errors.js';
import { consumeAccountToken, storeAccountToken, type AccountTokenStores } from './account-tokens.js';
import { openProfile } from './profile.js';
import { newRecoveryCodes, recoveryHash } from './recovery-codes.js';
import type { UserDocument } from './user.model.js';

/** Where passkeys are valid: the relying party's id (the host name) and origin, from PUBLIC_URL. */
export interface RelyingParty {
  id: string;
  origin: string;
  name: string;
}

export interface PasskeyDeps {
  users: Model<UserDocument>;
  keyring: Keyring;
  accountTokens: AccountTokenStores;
  relyingParty: RelyingParty;
  audit?: AuditTrail;
}

const invalidPasskey = () =>
  new InvalidRequest('invalid_passkey', 'The passkey could not be verified.', [
    { field: 'response', code: 'invalid_passkey', message: 'The passkey could not be verified.' },
  ]);

function challengeOf(clientDataJSON: string): string {
  try {
    return (
      (JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as { challenge?: string }).challenge ?? ''
    );
  } catch {
    return '';
  }
}

/** The options for navigator.credentials.create(): a fresh challenge (stored hashed, 5 minutes, once). */
export async function passkeyRegistrationOptions(deps: PasskeyDeps, userId: string, now: Date) {
  const user = await deps.users.findById(userId).lean();
  if (!user) throw new NotFound();
  const key = deps.keyring.unwrapMemberKey(user._id, toBuffer(user.wrappedKey));
  const email = openProfile(key, user._id, toBuffer(user.profile)).email;
  const options = await generateRegistrationOptions({
    rpName: deps.relyingParty.name,
    rpID: deps.relyingParty.id,
    userName: email,
    userID: new TextEncoder().encode(user._id),
    attestationType: 'none',
    excludeCredentials: (user.secondFactor?.passkeys ?? []).map((p) => ({ id: p.id })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
  });
  await storeAccountToken(deps.accountTokens, 'passkey-registration', options.challenge, userId, now);
  return options;
}

/** Verifies the authenticator's answer to the registration options and keeps the credential. */
export async function registerPasskey(
  deps: PasskeyDeps,
  userId: string,
  response: RegistrationResponseJSON,
  now: Date,
  name?: string,
): Promise<{ id: string; recoveryCodes?: string[] }> {
  const challenge = challengeOf(response.response.clientDataJSON);
  const owner = await consumeAccountToken(deps.accountTokens, 'passkey-registration', challenge, now).catch(() => null);
  if (owner !== userId) throw invalidPasskey();
  const verification = await verifyRegistrationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: deps.relyingParty.origin,
    expectedRPID: deps.relyingParty.id,
    requireUserVerification: false,
  }).catch(() => null);
  if (!verification?.verified) throw invalidPasskey();
  const { credential } = verification.registrationInfo;
  const user = await deps.users.findById(userId).lean();
  if (!user) throw new NotFound();
  const passkeys = [
    ...(user.secondFactor?.passkeys ?? []).filter((p) => p.id !== credential.id),
    {
      id: credential.id,
      publicKey: Buffer.from(credential.publicKey),
      counter: credential.counter,
      ...(credential.transports && { transports: credential.transports }),
      createdAt: now,
      ...(name !== undefined && { name }),
    },
  ];
  // The account's first factor brings the recovery codes (an app's enrolment gives them too): without them, a lost
  // device would lock the owner out. They are shown once, in this answer.
  const recoveryCodes = (user.secondFactor?.recoveryCodes?.length ?? 0) === 0 ? newRecoveryCodes() : undefined;
  await deps.users.updateOne(
    { _id: userId },
    {
      $set: {
        secondFactor: {
          ...user.secondFactor,
          passkeys,
          ...(recoveryCodes && { recoveryCodes: recoveryCodes.map((c) => recoveryHash(deps.keyring, userId, c)) }),
        },
        updatedAt: now,
      },
    },
  );
  await deps.audit?.append('account.second_factor_enrolled', userId, { method: 'passkey' }, now);
  return { id: credential.id, ...(recoveryCodes && { recoveryCodes }) };
}

/** Checks a passkey assertion for the log-in challenge; updates the credential's counter. */
export async function checkPasskey(
  deps: Pick<PasskeyDeps, 'users' | 'relyingParty'>,
  user: UserDocument,
  loginChallenge: string,
  response: AuthenticationResponseJSON,
  now: Date,
): Promise<boolean> {
  const stored = user.secondFactor?.passkeys?.find((p) => p.id === response.id);
  if (!stored) return false;
  const verification = await verifyAuthenticationResponse({
    response,
    expectedChallenge: loginChallenge,
    expectedOrigin: deps.relyingParty.origin,
    expectedRPID: deps.relyingParty.id,
    credential: { id: stored.id, publicKey: new Uint8Array(toBuffer(stored.publicKey)), counter: stored.counter },
    requireUserVerification: false,
  }).catch(() => null);
  if (!verification?.verified) return false;
  const passkeys = user.secondFactor!.passkeys!.map((p) =>
    p.id === stored.id ? { ...p, counter: verification.authenticationInfo.newCounter, lastUsedAt: now } : p,
  );
  await deps.users.updateOne(
    { _id: user._id },
    { $set: { secondFactor: { ...user.secondFactor, passkeys }, updatedAt: now } },
  );
  return true;
}
