// A test SMART app: registers itself through a steward, then walks authorize → consent → token → refresh → revoke
// over real HTTP, the way a third-party app would (redirects are read, never followed).
import { createHash, randomBytes } from 'node:crypto';
import type { TestApp } from './test-app.js';

export interface SmartClient {
  clientId: string;
  clientSecret?: string;
  redirectUri: string;
}

/** A PKCE pair (RFC 7636): a random verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Registers an app as the steward whose token is given. */
export async function registerSmartApp(
  app: TestApp,
  stewardToken: string,
  overrides: Record<string, unknown> = {},
): Promise<SmartClient> {
  const redirectUri = 'https://app.example.org/callback';
  const response = await app.request('POST', '/api/steward/apps', {
    token: stewardToken,
    body: {
      name: 'Pulse Tracker',
      redirectUris: [redirectUri],
      scopes: ['patient/Observation.rs', 'patient/Observation.c', 'launch/patient', 'offline_access'],
      ...overrides,
    },
  });
  if (response.status !== 201) throw new Error(`register app failed: ${response.status} ${response.text}`);
  return { clientId: response.body.id, clientSecret: response.body.clientSecret, redirectUri };
}

/** The query of an authorization request; override or remove (undefined) any parameter. */
export function authorizeQuery(
  app: TestApp,
  client: SmartClient,
  challenge: string,
  overrides: Record<string, string | undefined> = {},
): string {
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    scope: 'launch/patient patient/Observation.rs patient/Observation.c offline_access',
    state: 'state-' + randomBytes(6).toString('hex'),
    aud: app.services.apps.fhirBase,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...overrides,
  };
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.set(name, value);
  return query.toString();
}

/** GET /oauth/authorize without following the redirect. */
export async function getAuthorize(
  app: TestApp,
  query: string,
): Promise<{ status: number; location: string | null; body: any }> {
  const response = await fetch(`${app.baseUrl}/oauth/authorize?${query}`, { redirect: 'manual' });
  const text = await response.text();
  return {
    status: response.status,
    location: response.headers.get('location'),
    body: text ? safeJson(text) : undefined,
  };
}

/** The member approves on the consent screen's API; returns the code the app receives at its redirect URI. */
export async function approve(
  app: TestApp,
  memberToken: string,
  query: string,
): Promise<{ code: string; state: string }> {
  const response = await app.request('POST', '/api/me/app-authorizations', {
    token: memberToken,
    body: { request: query, decision: 'approve' },
  });
  if (response.status !== 200) throw new Error(`approve failed: ${response.status} ${response.text}`);
  const url = new URL(response.body.redirectTo);
  return { code: url.searchParams.get('code')!, state: url.searchParams.get('state')! };
}

/** POSTs a form to an OAuth endpoint. */
export async function postForm(
  app: TestApp,
  path: '/oauth/token' | '/oauth/revoke',
  form: Record<string, string | undefined>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(form)) if (value !== undefined) body.set(name, value);
  const response = await fetch(app.baseUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: body.toString(),
  });
  const text = await response.text();
  return { status: response.status, body: text ? safeJson(text) : undefined, headers: response.headers };
}

/** Exchanges a code for tokens. */
export function exchange(app: TestApp, client: SmartClient, code: string, verifier: string | undefined) {
  return postForm(app, '/oauth/token', {
    grant_type: 'authorization_code',
    code,
    redirect_uri: client.redirectUri,
    code_verifier: verifier,
    client_id: client.clientId,
    client_secret: client.clientSecret,
  });
}

/** Uses a refresh token. */
export function refresh(app: TestApp, client: SmartClient, refreshToken: string) {
  return postForm(app, '/oauth/token', {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: client.clientId,
    client_secret: client.clientSecret,
  });
}

/** The whole way to a token response: authorize, approve, exchange. */
export async function connectApp(app: TestApp, client: SmartClient, memberToken: string) {
  const { verifier, challenge } = pkcePair();
  const query = authorizeQuery(app, client, challenge);
  const { code } = await approve(app, memberToken, query);
  const tokens = await exchange(app, client, code, verifier);
  if (tokens.status !== 200) throw new Error(`exchange failed: ${tokens.status} ${JSON.stringify(tokens.body)}`);
  return tokens.body as { access_token: string; refresh_token: string; patient: string; scope: string };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
