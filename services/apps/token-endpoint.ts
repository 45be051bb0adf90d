// The token endpoint's grants (RFC 6749 §4.1.3 with RFC 7636 PKCE, §6 refresh with rotation) and revocation
// (RFC 7009). Single use is decided by a claim (an insert: atomic on FerretDB and MongoDB alike), and a second use
// of a code or refresh token is treated as theft: the grant ends, with every token it issued.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { claimOnce } from '../db/claims.js';
import { OAuthError } from '../errors.js';
import { findActiveApp } from './app-registry.js';
import type { AppTokens } from './app-tokens.js';
import { secretHash, type AppCollections, type AppDocument, type GrantDocument } from './apps.model.js';
import type { AuthorizationDeps } from './authorization.js';
import { verifierMatches, type AppScope } from './domain/oauth-rules.js';

/** How long a refresh token lives unused; each use gives a new one. */
export const REFRESH_TTL_MS = 90 * 24 * 3_600_000;

export interface TokenDeps extends AuthorizationDeps {
  tokens: AppTokens;
}

/** The client's credentials as the request presented them (body or HTTP Basic). */
export interface ClientCredentials {
  clientId: string | undefined;
  clientSecret: string | undefined;
}

/** The token response of RFC 6749 §5.1, with SMART's `patient`. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  patient: string;
  refresh_token?: string;
}

/** The registered, enabled app these credentials name; a confidential one must present its secret. */
export async function authenticateClient(
  collections: AppCollections,
  credentials: ClientCredentials,
): Promise<AppDocument> {
  const app = credentials.clientId ? await findActiveApp(collections, credentials.clientId) : null;
  if (!app) throw new OAuthError('invalid_client', 'Unknown or disabled client.', 401);
  if (app.secretHash !== undefined) {
    const presented = Buffer.from(secretHash(credentials.clientSecret ?? ''), 'hex');
    if (!timingSafeEqual(presented, Buffer.from(app.secretHash, 'hex'))) {
      throw new OAuthError('invalid_client', 'Client authentication failed.', 401);
    }
  }
  return app;
}

/** `grant_type=authorization_code`: the code, its redirect URI and the PKCE verifier against what was approved. */
export async function exchangeCode(
  deps: TokenDeps,
  client: AppDocument,
  input: { code: string | undefined; redirectUri: string | undefined; codeVerifier: string | undefined },
  now: Date,
): Promise<TokenResponse> {
  if (!input.code) throw new OAuthError('invalid_request', 'code is required.');
  if (!input.codeVerifier) throw new OAuthError('invalid_request', 'code_verifier is required (PKCE).');
  const hash = secretHash(input.code);
  const code = await deps.collections.codes.findOne({ _id: hash });
  if (!code || code.appId !== client._id) throw new OAuthError('invalid_grant', 'The authorization code is not valid.');
  if (!(await claimOnce(deps.collections.uses, `code:${hash}`, { at: now }))) {
    await endGrant(deps, code.grantId, 'code_reused', now);
    throw new OAuthError('invalid_grant', 'The authorization code was already used; what it issued is revoked.');
  }
  if (code.expiresAt <= now) throw new OAuthError('invalid_grant', 'The authorization code has expired.');
  if (input.redirectUri !== code.redirectUri) {
    throw new OAuthError('invalid_grant', 'redirect_uri differs from the authorization request.');
  }
  if (!verifierMatches(input.codeVerifier, code.codeChallenge)) {
    throw new OAuthError('invalid_grant', 'code_verifier does not match the code_challenge.');
  }
  const grant = await liveGrant(deps.collections, code.grantId);
  return issueTokens(deps, grant, grant.scopes, now, 'authorization_code');
}

/** `grant_type=refresh_token`: one use per refresh token; a second use ends the grant. */
export async function refreshTokens(
  deps: TokenDeps,
  client: AppDocument,
  input: { refreshToken: string | undefined; scope: string | undefined },
  now: Date,
): Promise<TokenResponse> {
  if (!input.refreshToken) throw new OAuthError('invalid_request', 'refresh_token is required.');
  const hash = secretHash(input.refreshToken);
  const stored = await deps.collections.refreshTokens.findOne({ _id: hash });
  if (!stored || stored.appId !== client._id) throw new OAuthError('invalid_grant', 'The refresh token is not valid.');
  if (!(await claimOnce(deps.collections.uses, `refresh:${hash}`, { at: now }))) {
    await endGrant(deps, stored.grantId, 'refresh_reused', now);
    throw new OAuthError('invalid_grant', 'The refresh token was already used; the grant is revoked.');
  }
  if (stored.expiresAt <= now) throw new OAuthError('invalid_grant', 'The refresh token has expired.');
  const grant = await liveGrant(deps.collections, stored.grantId);
  let scopes: AppScope[] = grant.scopes;
  if (input.scope !== undefined) {
    // A refresh may narrow the scopes (RFC 6749 §6), never widen them.
    const asked = input.scope.split(' ').filter((s) => s !== '');
    if (!asked.every((s) => (grant.scopes as string[]).includes(s))) {
      throw new OAuthError('invalid_scope', 'A refresh may only ask for scopes the grant holds.');
    }
    scopes = grant.scopes.filter((s) => asked.includes(s));
  }
  return issueTokens(deps, grant, scopes, now, 'refresh_token');
}

/**
 * RFC 7009: revokes the grant behind a refresh or access token of this client (its every token stops at once).
 * Answers nothing either way: an unknown token, or another client's, is simply not revoked.
 */
export async function revokeToken(deps: TokenDeps, client: AppDocument, token: string, now: Date): Promise<void> {
  const refresh = await deps.collections.refreshTokens.findOne({ _id: secretHash(token) });
  const grantId = refresh?.grantId ?? (await deps.tokens.verify(token, now))?.grantId;
  if (!grantId) return;
  const grant = await deps.collections.grants.findOne({ _id: grantId });
  if (grant && grant.appId === client._id) await endGrant(deps, grantId, 'client', now);
}

/** Ends a grant (idempotent): its access tokens are refused by the resolver, its refresh tokens by this file. */
export async function endGrant(
  deps: AuthorizationDeps,
  grantId: string,
  because: NonNullable<GrantDocument['revokedBecause']>,
  now: Date,
): Promise<void> {
  const grant = await deps.collections.grants.findOne({ _id: grantId });
  if (!grant || grant.revokedAt) return;
  // Every writer writes "revoked"; which instant wins does not matter (db/claims.ts on conditional updates).
  await deps.collections.grants.updateOne({ _id: grantId }, { $set: { revokedAt: now, revokedBecause: because } });
  await deps.audit.append(
    'app.grant_revoked',
    deps.memberPseudonym(grant.memberId),
    { appId: grant.appId, grantId, because },
    now,
  );
}

async function liveGrant(collections: AppCollections, grantId: string): Promise<GrantDocument> {
  const grant = await collections.grants.findOne({ _id: grantId });
  if (!grant || grant.revokedAt) throw new OAuthError('invalid_grant', 'The grant has been revoked.');
  return grant;
}

async function issueTokens(
  deps: TokenDeps,
  grant: GrantDocument,
  scopes: AppScope[],
  now: Date,
  via: 'authorization_code' | 'refresh_token',
): Promise<TokenResponse> {
  if (!(await deps.memberExists(grant.memberId))) throw new OAuthError('invalid_grant', 'The grant has been revoked.');
  const access = await deps.tokens.issue(
    { memberId: grant.memberId, grantId: grant._id, appId: grant.appId, scopes },
    now,
  );
  let refreshToken: string | undefined;
  if (grant.scopes.includes('offline_access')) {
    refreshToken = randomBytes(32).toString('base64url');
    await deps.collections.refreshTokens.insertOne({
      _id: secretHash(refreshToken),
      grantId: grant._id,
      appId: grant.appId,
      memberId: grant.memberId,
      scopes: grant.scopes,
      issuedAt: now,
      expiresAt: new Date(now.getTime() + REFRESH_TTL_MS),
    });
  }
  await deps.audit.append(
    'app.token_issued',
    deps.memberPseudonym(grant.memberId),
    { appId: grant.appId, grantId: grant._id, via },
    now,
  );
  return {
    access_token: access.token,
    token_type: 'Bearer',
    expires_in: access.expiresIn,
    scope: scopes.join(' '),
    patient: grant.memberId,
    ...(refreshToken && { refresh_token: refreshToken }),
  };
}
