// App access tokens: short-lived EdDSA JWTs for the FHIR API only. They are signed with a key of their own, are
// addressed to the FHIR base URL (never the session audience) and carry `client_id` and `gid` (the grant): the
// session verifier refuses them on three counts (auth/token-service.ts), so an app token never reaches /api.
import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, SignJWT, type JSONWebKeySet } from 'jose';
import type { Keyring } from '../crypto/keyring.js';
import { loadOrCreateSigningKey } from '../crypto/signing-key.js';
import { isSupportedScope, type AppScope } from './domain/oauth-rules.js';

/** What an app access token asserts: whose data, through which grant and app, with which scopes. */
export interface AppTokenClaims {
  memberId: string;
  grantId: string;
  appId: string;
  scopes: AppScope[];
}

export interface AppTokens {
  issue(claims: AppTokenClaims, now: Date): Promise<{ token: string; expiresIn: number }>;
  /** The claims of a valid app token, or null for anything expired, tampered, mis-signed or mis-addressed. */
  verify(token: string, now: Date): Promise<AppTokenClaims | null>;
  readonly jwks: JSONWebKeySet;
}

const ALGORITHM = 'EdDSA';
const SIGNING_KEY_ID = 'app-token-signing-1';

/** Loads (or creates on first run) the app-token signing key and builds the issuer/verifier. */
export async function createAppTokens(
  keyring: Keyring,
  options: { issuer: string; audience: string; ttlSeconds: number },
): Promise<AppTokens> {
  const { kid, privateKey, publicJwk } = await loadOrCreateSigningKey(keyring, SIGNING_KEY_ID, 'token-signing');
  const jwks: JSONWebKeySet = { keys: [publicJwk] };
  const keySet = createLocalJWKSet(jwks);
  return {
    jwks,
    async issue(claims, now) {
      const iat = Math.floor(now.getTime() / 1000);
      const token = await new SignJWT({ client_id: claims.appId, gid: claims.grantId, scope: claims.scopes.join(' ') })
        .setProtectedHeader({ alg: ALGORITHM, kid, typ: 'at+jwt' })
        .setSubject(claims.memberId)
        .setIssuer(options.issuer)
        .setAudience(options.audience)
        .setIssuedAt(iat)
        .setExpirationTime(iat + options.ttlSeconds)
        .setJti(randomUUID())
        .sign(privateKey);
      return { token, expiresIn: options.ttlSeconds };
    },
    async verify(token, now) {
      try {
        const { payload } = await jwtVerify(token, keySet, {
          algorithms: [ALGORITHM],
          issuer: options.issuer,
          audience: options.audience,
          typ: 'at+jwt',
          currentDate: now,
          maxTokenAge: options.ttlSeconds + 5,
          requiredClaims: ['sub', 'exp', 'iat', 'client_id', 'gid', 'scope'],
        });
        const { sub, client_id: appId, gid, scope } = payload as Record<string, unknown>;
        if (typeof sub !== 'string' || typeof appId !== 'string' || typeof gid !== 'string') return null;
        if (typeof scope !== 'string') return null;
        const scopes = scope.split(' ');
        if (!scopes.every(isSupportedScope)) return null;
        return { memberId: sub, grantId: gid, appId, scopes };
      } catch {
        return null;
      }
    },
  };
}
