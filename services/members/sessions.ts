// Sessions and their tokens: issuing a pair, ending a session, logging out, and resolving a token to its caller.
import { createHash, randomBytes } from 'node:crypto';
import type { Model } from 'mongoose';
import type { AccessClaims, Actor, Revocations, TokenService } from '../auth/index.js';
import { NotAuthenticated } from '../errors.js';
import type { TokenPair } from './members.model.js';
import type { RefreshTokenDocument, SessionDocument } from './session.model.js';
import type { UserDocument } from './user.model.js';

export const invalidRefreshToken = () =>
  new NotAuthenticated('invalid_refresh_token', 'The refresh token is not valid.');

/** The claims of an access token for this account and session, with the account state as read at `stateAt`. */
export function accessClaimsOf(
  user: Pick<UserDocument, '_id' | 'role' | 'researcher' | 'membership'>,
  session: Pick<SessionDocument, '_id' | 'secondFactorAt' | 'createdAt' | 'authenticatedAt'>,
  stateAt: Date,
): AccessClaims {
  return {
    userId: user._id,
    sessionId: session._id,
    role: user.role,
    stateAt: stateAt.getTime(),
    researcherVerified: user.researcher?.verification === 'verified',
    ...(user.membership && { membership: user.membership }),
    ...(session.secondFactorAt && { secondFactor: true }),
    authTime: (session.authenticatedAt ?? session.createdAt).getTime(),
  };
}

/** SHA-256 of a refresh token: what the database stores instead of the token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Stores a new refresh token of the session and signs an access token carrying the account's state. */
export async function issueTokens(
  deps: { refreshTokens: Model<RefreshTokenDocument>; tokens: TokenService },
  user: UserDocument,
  session: SessionDocument,
  now: Date,
): Promise<TokenPair> {
  const refreshToken = randomBytes(32).toString('base64url');
  await deps.refreshTokens.create({
    _id: hashToken(refreshToken),
    sessionId: session._id,
    userId: user._id,
    createdAt: now,
    expiresAt: session.expiresAt,
  });
  return pairWith(deps, user, session, refreshToken, now);
}

/** A fresh access token beside an existing refresh token of the session (the same successor, answered again). */
export async function pairWith(
  deps: { tokens: TokenService },
  user: UserDocument,
  session: SessionDocument,
  refreshToken: string,
  now: Date,
): Promise<TokenPair> {
  // `now` is when this request began, before the account was read: a change written since makes the token stale.
  const access = await deps.tokens.issueAccessToken(accessClaimsOf(user, session, now), now);
  return { accessToken: access.token, refreshToken, expiresIn: access.expiresIn, tokenType: 'Bearer' };
}

/** Ends a session: its refresh tokens stop working, and its access tokens on the next request. */
export async function revokeSession(
  deps: { sessions: Model<SessionDocument>; revocations: Revocations },
  sessionId: string,
  reason: SessionDocument['revokedReason'],
  now: Date,
): Promise<void> {
  await Promise.all([
    deps.revocations.endSession(sessionId, now),
    deps.sessions.updateOne(
      { _id: sessionId, revokedAt: { $exists: false } },
      { $set: { revokedAt: now, revokedReason: reason } },
    ),
  ]);
}

/** Ends the session the refresh token belongs to; its access tokens stop working on the next request. */
export async function logOut(
  deps: { refreshTokens: Model<RefreshTokenDocument>; sessions: Model<SessionDocument>; revocations: Revocations },
  refreshToken: string,
  now: Date,
): Promise<void> {
  const stored = await deps.refreshTokens.findById(hashToken(refreshToken)).lean();
  if (!stored) throw invalidRefreshToken();
  await revokeSession(deps, stored.sessionId, 'logout', now);
}

/**
 * Resolves a verified access token to its caller, or null if its session has ended or its account changed since
 * the token was issued (the client then refreshes and gets a token with the current state).
 */
export async function resolveActor(
  deps: { revocations: Revocations },
  claims: AccessClaims,
  now: Date,
): Promise<Actor | null> {
  if (await deps.revocations.isRevoked(claims, now)) return null;
  return {
    userId: claims.userId,
    sessionId: claims.sessionId,
    role: claims.role,
    researcherVerified: claims.researcherVerified,
    ...(claims.membership && { membership: claims.membership }),
    secondFactor: claims.secondFactor === true,
    ...(claims.authTime !== undefined && { authTime: claims.authTime }),
  };
}
