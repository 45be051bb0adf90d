// The authorization request (RFC 6749 §4.1.1 with PKCE, SMART App Launch 2.x) and the member's answer to it.
// Checked twice with the same function: at GET /oauth/authorize, and again when the member approves on the consent
// screen, so nothing the browser carried in between is trusted.
import { randomBytes, randomUUID } from 'node:crypto';
import { OAuthError } from '../errors.js';
import { findActiveApp } from './app-registry.js';
import { secretHash, type AppCollections, type GrantDocument } from './apps.model.js';
import { decideScopes, isS256Challenge, type AppScope } from './domain/oauth-rules.js';

/** How long an authorization code may wait for its exchange. */
export const CODE_TTL_MS = 60_000;

/** A checked authorization request: the app, where to send the answer, and what it asks for. */
export interface AuthorizationRequest {
  appId: string;
  appName: string;
  redirectUri: string;
  state: string;
  scopes: AppScope[];
  codeChallenge: string;
}

/**
 * The outcome of checking a request. `refused`: the client or redirect URI cannot be trusted, so the answer is shown
 * here and never sent anywhere; `redirect`: an error the client hears at its (exact, registered) redirect URI.
 */
export type AuthorizationCheck =
  | { kind: 'valid'; request: AuthorizationRequest }
  | { kind: 'refused'; error: OAuthError }
  | { kind: 'redirect'; location: string; error: OAuthError };

/** Checks an authorization request's parameters against the registered app and the FHIR base it must be for. */
export async function checkAuthorizationRequest(
  collections: AppCollections,
  params: URLSearchParams,
  fhirBase: string,
): Promise<AuthorizationCheck> {
  const single = (name: string): string | undefined => {
    const values = params.getAll(name);
    return values.length === 1 ? values[0] : undefined;
  };
  const clientId = single('client_id');
  const app = clientId ? await findActiveApp(collections, clientId) : null;
  if (!app) return { kind: 'refused', error: new OAuthError('invalid_client', 'Unknown or disabled client_id.') };
  const redirectUri = single('redirect_uri');
  // Exact string comparison, as registered: one character off is another URI, and nothing is sent to it.
  if (!redirectUri || !app.redirectUris.includes(redirectUri)) {
    return {
      kind: 'refused',
      error: new OAuthError('invalid_request', 'redirect_uri is not registered for this app.'),
    };
  }
  const state = single('state');
  const fail = (code: string, message: string): AuthorizationCheck => {
    const error = new OAuthError(code, message);
    return {
      kind: 'redirect',
      location: redirectWith(redirectUri, { error: code, error_description: message, state }),
      error,
    };
  };
  if (single('response_type') !== 'code') return fail('unsupported_response_type', 'response_type must be code.');
  if (!state) return fail('invalid_request', 'state is required.');
  const challenge = single('code_challenge');
  if (!challenge) return fail('invalid_request', 'code_challenge is required (PKCE).');
  if (single('code_challenge_method') !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256.');
  if (!isS256Challenge(challenge)) return fail('invalid_request', 'code_challenge is not an S256 challenge.');
  if (single('aud') !== fhirBase) return fail('invalid_request', `aud must be the FHIR base URL ${fhirBase}.`);
  const scopes = decideScopes(single('scope') ?? '', app.scopes);
  if (!scopes.ok) {
    const what = scopes.scopes.length > 0 ? `: ${scopes.scopes.join(' ')}` : '';
    return fail('invalid_scope', `Scopes outside what this app may ask for the member's own data${what}.`);
  }
  return {
    kind: 'valid',
    request: { appId: app._id, appName: app.name, redirectUri, state, scopes: scopes.scopes, codeChallenge: challenge },
  };
}

export interface AuthorizationDeps {
  collections: AppCollections;
  audit: { append(type: string, actor: string, data: Record<string, unknown>, now: Date): Promise<number> };
  memberPseudonym(memberId: string): string;
  /** False once the member's account is gone (erased): their grants then issue and admit nothing. */
  memberExists(memberId: string): Promise<boolean>;
}

/** The member approves: a grant (their readable consent) and a single-use code bound to the whole request. */
export async function approveAuthorization(
  deps: AuthorizationDeps,
  request: AuthorizationRequest,
  memberId: string,
  now: Date,
): Promise<{ location: string; grantId: string }> {
  const grant: GrantDocument = {
    _id: randomUUID(),
    appId: request.appId,
    memberId,
    scopes: request.scopes,
    grantedAt: now,
  };
  const code = randomBytes(32).toString('base64url');
  await deps.collections.grants.insertOne(grant);
  await deps.collections.codes.insertOne({
    _id: secretHash(code),
    grantId: grant._id,
    appId: request.appId,
    memberId,
    redirectUri: request.redirectUri,
    codeChallenge: request.codeChallenge,
    scopes: request.scopes,
    expiresAt: new Date(now.getTime() + CODE_TTL_MS),
  });
  await deps.audit.append(
    'app.granted',
    deps.memberPseudonym(memberId),
    { appId: request.appId, grantId: grant._id, scopes: request.scopes },
    now,
  );
  return { location: redirectWith(request.redirectUri, { code, state: request.state }), grantId: grant._id };
}

/** The member refuses: the app hears `access_denied`, and nothing is stored. */
export function denyAuthorization(request: AuthorizationRequest): { location: string } {
  return {
    location: redirectWith(request.redirectUri, {
      error: 'access_denied',
      error_description: 'The member did not allow this app.',
      state: request.state,
    }),
  };
}

/** The registered redirect URI with the answer's parameters added to its query (its own parameters kept). */
function redirectWith(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return url.toString();
}
