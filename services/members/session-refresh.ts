// Refreshing a session: a refresh token is exchanged once for a successor; presenting it again within a few seconds
// answers that same successor, later it ends the session. A refresh token never forks into two live chains.
import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Model, mongo } from 'mongoose';
import type { Revocations, TokenService } from '../auth/index.js';
import { DecryptionFailed, open, seal } from '../crypto/aead.js';
import { claimOnce } from '../db/claims.js';
import { toBuffer } from '../db/connection.js';
import type { TokenPair } from './members.model.js';
import type { RefreshTokenDocument, SessionDocument } from './session.model.js';
import { hashToken, invalidRefreshToken, issueTokens, pairWith, revokeSession } from './sessions.js';
import type { UserDocument } from './user.model.js';

/** How long after a refresh token's first use a second use counts as the same client racing itself, not theft. */
export const REFRESH_REUSE_GRACE_MS = 10_000;

/** How long a second use waits for the first to have written its successor before it is refused. */
const SUCCESSOR_WAIT_MS = 3_000;
const SUCCESSOR_POLL_MS = 50;

export interface SessionRefreshDeps {
  users: Model<UserDocument>;
  sessions: Model<SessionDocument>;
  refreshTokens: Model<RefreshTokenDocument>;
  claims: mongo.Collection<mongo.Document>;
  tokens: TokenService;
  revocations: Revocations;
}

/**
 * Exchanges a refresh token for its successor. The first use is claimed and mints the successor; a use within
 * REFRESH_REUSE_GRACE_MS of it gets the same successor refresh token (with a new access token of the same session),
 * so a replay never yields a second, independent chain; a later use is reuse and revokes the whole session.
 */
export async function refreshSession(deps: SessionRefreshDeps, refreshToken: string, now: Date): Promise<TokenPair> {
  const id = hashToken(refreshToken);
  const stored = await deps.refreshTokens.findById(id).lean();
  if (!stored) throw invalidRefreshToken();
  const claimId = `refresh:${id}`;
  const first = await claimOnce(deps.claims, claimId, { at: now });
  if (!first) {
    const claim = await deps.claims.findOne({ _id: claimId as never });
    const firstAt = claim?.at instanceof Date ? claim.at.getTime() : -Infinity;
    if (now.getTime() - firstAt > REFRESH_REUSE_GRACE_MS) {
      await revokeSession(deps, stored.sessionId, 'refresh_token_reuse', now);
      throw invalidRefreshToken();
    }
  }
  const { session, user } = await liveSessionOf(deps, stored, now);
  if (first) {
    const pair = await issueTokens(deps, user, session, now);
    // The successor, sealed under a key only the holder of the presented token can derive (the database keeps
    // nothing but that token's hash), for a second use within the grace period to answer again.
    await deps.claims.updateOne(
      { _id: claimId as never },
      { $set: { successor: seal(successorKey(refreshToken), Buffer.from(pair.refreshToken), binding(id)) } },
    );
    return pair;
  }
  const successor = await awaitSuccessor(deps.claims, claimId, refreshToken, id);
  if (successor === null) throw invalidRefreshToken();
  return pairWith(deps, user, session, successor, now);
}

async function liveSessionOf(deps: SessionRefreshDeps, stored: RefreshTokenDocument, now: Date) {
  const [session, user] = await Promise.all([
    deps.sessions.findById(stored.sessionId).lean(),
    deps.users.findById(stored.userId).lean(),
  ]);
  if (!session || !user || session.revokedAt || session.expiresAt <= now || stored.expiresAt <= now) {
    throw invalidRefreshToken();
  }
  if (user.status !== 'active') throw invalidRefreshToken();
  return { session, user };
}

// The first use writes its successor right after minting it; a racing second use waits a moment for it. Waits on
// the real clock: this is about requests in flight, not about the service's notion of time.
async function awaitSuccessor(
  claims: mongo.Collection<mongo.Document>,
  claimId: string,
  refreshToken: string,
  id: string,
): Promise<string | null> {
  for (let waited = 0; waited <= SUCCESSOR_WAIT_MS; waited += SUCCESSOR_POLL_MS) {
    const claim = await claims.findOne({ _id: claimId as never }, { projection: { successor: 1 } });
    if (claim?.successor) {
      try {
        return open(successorKey(refreshToken), toBuffer(claim.successor), binding(id)).toString();
      } catch (error) {
        if (error instanceof DecryptionFailed) return null;
        throw error;
      }
    }
    await sleep(SUCCESSOR_POLL_MS);
  }
  return null;
}

function successorKey(refreshToken: string): Buffer {
  return createHmac('sha256', refreshToken).update('datacoop refresh-token successor v1').digest();
}

function binding(id: string) {
  return { collection: 'claims', recordId: `refresh:${id}`, memberId: '', schemaVersion: 1 };
}
