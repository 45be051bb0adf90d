// Refreshing a session: a refresh token is exchanged once for a new pair; presenting it again ends the session.
import type { Model, mongo } from 'mongoose';
import type { Revocations, TokenService } from '../auth/index.js';
import { claimOnce } from '../db/claims.js';
import type { TokenPair } from './members.model.js';
import type { RefreshTokenDocument, SessionDocument } from './session.model.js';
import { hashToken, invalidRefreshToken, issueTokens, revokeSession } from './sessions.js';
import type { UserDocument } from './user.model.js';

/** How long after a refresh token's first use a second use counts as the same client racing itself, not theft. */
export const REFRESH_REUSE_GRACE_MS = 10_000;

export interface SessionRefreshDeps {
  users: Model<UserDocument>;
  sessions: Model<SessionDocument>;
  refreshTokens: Model<RefreshTokenDocument>;
  claims: mongo.Collection<mongo.Document>;
  tokens: TokenService;
  revocations: Revocations;
}

/** Exchanges a refresh token for a new pair; presenting a used token again revokes the whole session. */
export async function refreshSession(deps: SessionRefreshDeps, refreshToken: string, now: Date): Promise<TokenPair> {
  const id = hashToken(refreshToken);
  const stored = await deps.refreshTokens.findById(id).lean();
  if (!stored) throw invalidRefreshToken();
  // Each token is used once (claimed). A second use is reuse — a stolen copy — and ends the whole session, unless
  // it comes within a few seconds of the first: that is the same client racing itself (a tab reloaded while its
  // refresh was in flight, two tabs), which gets a fresh pair in the same session.
  if (!(await claimOnce(deps.claims, `refresh:${id}`, { at: now }))) {
    const first = await deps.claims.findOne({ _id: `refresh:${id}` as never });
    const firstAt = first?.at instanceof Date ? first.at.getTime() : -Infinity;
    if (now.getTime() - firstAt > REFRESH_REUSE_GRACE_MS) {
      await revokeSession(deps, stored.sessionId, 'refresh_token_reuse', now);
      throw invalidRefreshToken();
    }
  }
  const [session, user] = await Promise.all([
    deps.sessions.findById(stored.sessionId).lean(),
    deps.users.findById(stored.userId).lean(),
  ]);
  if (!session || !user || session.revokedAt || session.expiresAt <= now || stored.expiresAt <= now) {
    throw invalidRefreshToken();
  }
  if (user.status !== 'active') throw invalidRefreshToken();
  return issueTokens(deps, user, session, now);
}
