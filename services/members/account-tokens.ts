// Single-use, short-lived tokens mailed to an account's owner (e-mail verification, password reset, log-in unlock).
// Only the token's SHA-256 is stored; using it is a claim (a unique insert), so of two concurrent uses one wins.
import { createHash, randomBytes } from 'node:crypto';
import type { Connection, mongo } from 'mongoose';
import { claimOnce } from '../db/claims.js';
import { InvalidRequest } from '../errors.js';

export type AccountTokenPurpose =
  | 'email-verification'
  | 'password-reset'
  | 'login-unlock'
  | 'login-challenge'
  | 'passkey-registration'
  | 'step-up-challenge';

/** How long each kind of token works. */
export const ACCOUNT_TOKEN_TTL_MS: Record<AccountTokenPurpose, number> = {
  'email-verification': 24 * 3600_000,
  'password-reset': 30 * 60_000,
  'login-unlock': 30 * 60_000,
  'login-challenge': 5 * 60_000,
  'passkey-registration': 5 * 60_000,
  'step-up-challenge': 5 * 60_000,
};

export interface AccountTokenDocument {
  /** SHA-256 of the token, hex: the token itself is only in the e-mail. */
  _id: string;
  purpose: AccountTokenPurpose;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  /** What the token's use needs besides the account (a log-in challenge: the throttle's attempt). */
  data?: Record<string, unknown>;
}

const hashOf = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** The collections of account tokens and of their uses. */
export function accountTokenStores(connection: Connection) {
  return {
    tokens: connection.collection<AccountTokenDocument>('account_tokens'),
    claims: connection.collection('claims') as mongo.Collection<mongo.Document>,
  };
}
export type AccountTokenStores = ReturnType<typeof accountTokenStores>;

/** Stores a token made elsewhere (a WebAuthn challenge) as issueAccountToken stores its own: hashed, expiring. */
export async function storeAccountToken(
  stores: AccountTokenStores,
  purpose: AccountTokenPurpose,
  token: string,
  userId: string,
  now: Date,
  data?: Record<string, unknown>,
): Promise<void> {
  await stores.tokens.insertOne({
    _id: hashOf(token),
    purpose,
    userId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + ACCOUNT_TOKEN_TTL_MS[purpose]),
    ...(data && { data }),
  });
}

/** Issues a token for `purpose`: 32 random bytes, base64url; stored hashed with its expiry. */
export async function issueAccountToken(
  stores: AccountTokenStores,
  purpose: AccountTokenPurpose,
  userId: string,
  now: Date,
  data?: Record<string, unknown>,
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await storeAccountToken(stores, purpose, token, userId, now, data);
  return token;
}

const invalidToken = () =>
  new InvalidRequest('invalid_token', 'This link is invalid, expired or already used.', [
    { field: 'token', code: 'invalid_token', message: 'This link is invalid, expired or already used.' },
  ]);

/** Uses a token once: its account id, or 400 `invalid_token` (unknown, other purpose, expired or used before). */
export async function consumeAccountToken(
  stores: AccountTokenStores,
  purpose: AccountTokenPurpose,
  token: string,
  now: Date,
): Promise<string> {
  return (await consumeAccountTokenWithData(stores, purpose, token, now)).userId;
}

/** As consumeAccountToken, with the data the token was issued with. */
export async function consumeAccountTokenWithData(
  stores: AccountTokenStores,
  purpose: AccountTokenPurpose,
  token: string,
  now: Date,
): Promise<{ userId: string; data: Record<string, unknown> }> {
  const hash = hashOf(token);
  const stored = await stores.tokens.findOne({ _id: hash });
  if (!stored || stored.purpose !== purpose || stored.expiresAt.getTime() <= now.getTime()) throw invalidToken();
  if (!(await claimOnce(stores.claims, `account-token-used:${hash}`, { at: now }))) throw invalidToken();
  await stores.tokens.deleteOne({ _id: hash });
  return { userId: stored.userId, data: stored.data ?? {} };
}

/** Drops every unused token of an account for `purpose` (a password reset makes older reset links useless). */
export async function revokeAccountTokens(
  stores: AccountTokenStores,
  purpose: AccountTokenPurpose,
  userId: string,
): Promise<void> {
  await stores.tokens.deleteMany({ userId, purpose });
}
