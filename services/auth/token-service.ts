// Short-lived EdDSA access tokens: issued here, verified with algorithm, issuer and audience pinned.
import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, SignJWT, type JSONWebKeySet } from 'jose';
import type { Keyring } from '../crypto/keyring.js';
import { loadOrCreateSigningKey } from '../crypto/signing-key.js';

export type Role = 'member' | 'researcher' | 'steward';

/** A member's membership interval and suspensions (half-open [from, to)), as voting eligibility reads them. */
export interface MembershipState {
  joinedAt: Date;
  leftAt?: Date;
  suspensions?: { from: Date; to?: Date }[];
}

/**
 * What an access token asserts: who, in which session, and the account state read when it was issued. A change of
 * that state or the end of the session makes the token stale before it expires (see auth/revocations.ts).
 */
export interface AccessClaims {
  userId: string;
  sessionId: string;
  role: Role;
  /** Milliseconds since the epoch at which the state below was read from the account. */
  stateAt: number;
  researcherVerified: boolean;
  membership?: MembershipState;
  /** The session's log-in passed a second factor. */
  secondFactor?: boolean;
  /**
   * Milliseconds since the epoch of the session's last authentication (its log-in or a step-up): routes that need a
   * fresh one (erasure, admission, exports) compare it with their maximum age (`auth_time`, as in OpenID Connect).
   */
  authTime?: number;
}

export interface TokenService {
  issueAccessToken(claims: AccessClaims, now: Date): Promise<{ token: string; expiresIn: number }>;
  /** Returns the claims of a valid token, or null for anything expired, tampered, mis-signed or mis-addressed. */
  verifyAccessToken(token: string, now: Date): Promise<AccessClaims | null>;
  readonly jwks: JSONWebKeySet;
}

const ALGORITHM = 'EdDSA';
const FIRST_SIGNING_KEY_ID = 'token-signing-1';

/** Loads the signing key (creating it on first run, stored sealed under the master key) and builds the token service. */
export async function createTokenService(
  keyring: Keyring,
  options: { issuer: string; audience: string; ttlSeconds: number },
): Promise<TokenService> {
  const { kid, privateKey, publicJwk } = await loadOrCreateSigningKey(keyring, FIRST_SIGNING_KEY_ID, 'token-signing');
  const jwks: JSONWebKeySet = { keys: [publicJwk] };
  const keySet = createLocalJWKSet(jwks);

  return {
    jwks,
    async issueAccessToken(claims, now) {
      const iat = Math.floor(now.getTime() / 1000);
      const token = await new SignJWT({ sid: claims.sessionId, role: claims.role, ...encodeState(claims) })
        .setProtectedHeader({ alg: ALGORITHM, kid, typ: 'at+jwt' })
        .setSubject(claims.userId)
        .setIssuer(options.issuer)
        .setAudience(options.audience)
        .setIssuedAt(iat)
        .setExpirationTime(iat + options.ttlSeconds)
        .setJti(randomUUID())
        .sign(privateKey);
      return { token, expiresIn: options.ttlSeconds };
    },
    async verifyAccessToken(token, now) {
      try {
        const { payload } = await jwtVerify(token, keySet, {
          algorithms: [ALGORITHM],
          issuer: options.issuer,
          audience: options.audience,
          typ: 'at+jwt',
          currentDate: now,
          maxTokenAge: options.ttlSeconds + 5,
          requiredClaims: ['sub', 'exp', 'iat'],
        });
        const { sub, sid, role } = payload as { sub?: unknown; sid?: unknown; role?: unknown };
        // An app token (services/apps/app-tokens.ts) has another key and audience; should both ever match (a
        // misconfigured JWT_AUDIENCE equal to the FHIR base), its claims still mark it as an app's: never a session.
        if ('client_id' in payload || 'gid' in payload || 'scope' in payload) return null;
        if (typeof sub !== 'string' || typeof sid !== 'string') return null;
        if (role !== 'member' && role !== 'researcher' && role !== 'steward') return null;
        const state = decodeState(payload);
        return state && { userId: sub, sessionId: sid, role, ...state };
      } catch {
        return null;
      }
    },
  };
}

type MsInterval = [from: number, to?: number];

/** The state claims: `st` state time, `rv` researcher verified, `mbr` membership as epoch milliseconds. */
function encodeState(claims: AccessClaims): Record<string, unknown> {
  const m = claims.membership;
  return {
    st: claims.stateAt,
    rv: claims.researcherVerified,
    ...(claims.secondFactor && { sf: true }),
    ...(claims.authTime !== undefined && { auth_time: Math.floor(claims.authTime / 1000) }),
    ...(m && {
      mbr: {
        j: m.joinedAt.getTime(),
        ...(m.leftAt && { l: m.leftAt.getTime() }),
        ...(m.suspensions?.length && {
          s: m.suspensions.map((s): MsInterval => (s.to ? [s.from.getTime(), s.to.getTime()] : [s.from.getTime()])),
        }),
      },
    }),
  };
}

/** Reads the state claims back; null if any is missing or malformed (such a token is refused). */
function decodeState(payload: Record<string, unknown>): Omit<AccessClaims, 'userId' | 'sessionId' | 'role'> | null {
  const { st, rv, mbr, sf, auth_time } = payload;
  if (!isMs(st) || typeof rv !== 'boolean' || (sf !== undefined && sf !== true)) return null;
  if (auth_time !== undefined && !isMs(auth_time)) return null;
  const factor = {
    ...(sf === true && { secondFactor: true }),
    ...(auth_time !== undefined && { authTime: (auth_time as number) * 1000 }),
  };
  if (mbr === undefined) return { stateAt: st, researcherVerified: rv, ...factor };
  if (typeof mbr !== 'object' || mbr === null) return null;
  const { j, l, s } = mbr as { j?: unknown; l?: unknown; s?: unknown };
  if (!isMs(j) || (l !== undefined && !isMs(l))) return null;
  if (s !== undefined && !(Array.isArray(s) && s.every(isMsInterval))) return null;
  const membership: MembershipState = {
    joinedAt: new Date(j),
    ...(l !== undefined && { leftAt: new Date(l) }),
    ...(s !== undefined && {
      suspensions: (s as MsInterval[]).map(([from, to]) => ({
        from: new Date(from),
        ...(to !== undefined && { to: new Date(to) }),
      })),
    }),
  };
  return { stateAt: st, researcherVerified: rv, membership, ...factor };
}

function isMs(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isMsInterval(value: unknown): value is MsInterval {
  return Array.isArray(value) && (value.length === 1 || value.length === 2) && value.every(isMs);
}
