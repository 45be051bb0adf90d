// The auth context's interface: access tokens (issued and verified) and the revocation list that makes them stale.
import type { Connection } from 'mongoose';
import type { Keyring } from '../crypto/keyring.js';
import { Revocations } from './revocations.js';
import { createTokenService, type TokenService } from './token-service.js';

export type { Actor } from './actor.js';
export type { AccessClaims, MembershipState, Role, TokenService } from './token-service.js';
export type { Revocations, TokenSubject } from './revocations.js';
export { createTokenService } from './token-service.js';

export interface AuthDeps {
  connection: Connection;
  keyring: Keyring;
  issuer: string;
  audience: string;
  accessTtlSeconds: number;
}

export interface Auth {
  tokens: TokenService;
  revocations: Revocations;
}

/** Loads the token signing key (creating it on first run) and opens the revocation list. */
export async function createAuth(deps: AuthDeps): Promise<Auth> {
  const tokens = await createTokenService(deps.keyring, {
    issuer: deps.issuer,
    audience: deps.audience,
    ttlSeconds: deps.accessTtlSeconds,
  });
  // Tokens live ttl seconds (plus the verifier's 5 s age tolerance); a minute of margin for clock skew.
  const revocations = new Revocations(deps.connection, (deps.accessTtlSeconds + 60) * 1000);
  return { tokens, revocations };
}
export { hasFreshAuthentication, STEP_UP_MAX_AGE_MS } from './step-up.js';
