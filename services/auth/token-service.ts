// Short-lived EdDSA access tokens: issued here, verified with algorithm, issuer and audience pinned.
import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, SignJWT, type JSONWebKeySet } from 'jose';
import type { Keyring } from '../crypto/keyring.js';
import { loadOrCreateSigningKey } from '../crypto/signing-key.js';

export type Role = 'member' | 'researcher' | 'steward';

/** What an access token asserts; everything else about the caller is loaded fresh on each request. */
export interface AccessClaims {
  userId: string;
  sessionId: string;
  role: Role;
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
      const token = await new SignJWT({ sid: claims.sessionId, role: claims.role })
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
        if (typeof sub !== 'string' || typeof sid !== 'string') return null;
        if (role !== 'member' && role !== 'researcher' && role !== 'steward') return null;
        return { userId: sub, sessionId: sid, role };
      } catch {
        return null;
      }
    },
  };
}
