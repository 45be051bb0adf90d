// The auth client. The access token lives only in this module's memory; the rotating refresh token lives in
// sessionStorage so a reload in the same tab stays signed in, while closing the tab ends it. Tokens never go
// into URLs, localStorage or logs. One refresh at a time: the service ends the whole session when an old
// refresh token is presented twice, so concurrent 401s share a single refresh.
import { ApiError, toApiError } from './api-error.js';
import type { TokenPair } from './types.js';

const REFRESH_KEY = 'datacoop.refresh';

let accessToken: string | null = null;
let refreshing: Promise<boolean> | null = null;
const endListeners = new Set<() => void>();

function storeTokens(tokens: TokenPair): void {
  accessToken = tokens.accessToken;
  sessionStorage.setItem(REFRESH_KEY, tokens.refreshToken);
}

/** True when this tab holds a session (an access token or a refresh token to get one). */
export function hasSession(): boolean {
  return accessToken !== null || sessionStorage.getItem(REFRESH_KEY) !== null;
}

/** Called when the session ends without the user asking (refresh refused, account erased). */
export function onSessionEnded(listener: () => void): () => void {
  endListeners.add(listener);
  return () => endListeners.delete(listener);
}

/** Forgets every token of this tab. */
export function clearSession(): void {
  const had = hasSession();
  accessToken = null;
  sessionStorage.removeItem(REFRESH_KEY);
  if (had) for (const listener of endListeners) listener();
}

/** What signing in needs next: nothing (signed in), or a code for the challenge (the account has a second factor). */
/** Signed in, or a second factor is asked: a code, or one of the account's passkeys (their ids) signing `challenge`. */
export type SignInStep = { signedIn: true } | { challenge: string; passkeys: string[] };

async function postForTokens(
  path: string,
  body: unknown,
): Promise<TokenPair | { challenge: string; passkeys?: string[] }> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw await toApiError(response);
  return (await response.json()) as TokenPair | { challenge: string; passkeys?: string[] };
}

/** Exchanges e-mail and password for a session, or for a second-factor challenge. */
export async function signIn(email: string, password: string): Promise<SignInStep> {
  const answer = await postForTokens('/api/auth/login', { email, password });
  if ('challenge' in answer) return { challenge: answer.challenge, passkeys: answer.passkeys ?? [] };
  storeTokens(answer);
  return { signedIn: true };
}

/** Answers a second-factor challenge with a code (six digits) or a recovery code. */
export async function signInWithCode(challenge: string, code: string): Promise<void> {
  const trimmed = code.trim();
  const proof = /^\d{6}$/.test(trimmed) ? { code: trimmed } : { recoveryCode: trimmed };
  storeTokens((await postForTokens('/api/auth/login/second-factor', { challenge, ...proof })) as TokenPair);
}

/**
 * Answers a second-factor challenge with a passkey of this device (the browser's dialog). Resolves false when the
 * person cancels it; a refused assertion throws like a wrong code.
 */
export async function signInWithPasskey(challenge: string, passkeys: string[]): Promise<boolean> {
  let credential: PublicKeyCredential | null;
  try {
    credential = (await navigator.credentials.get({
      publicKey: PublicKeyCredential.parseRequestOptionsFromJSON({
        challenge,
        allowCredentials: passkeys.map((id) => ({ id, type: 'public-key' })),
        userVerification: 'preferred',
      }),
    })) as PublicKeyCredential | null;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'NotAllowedError') return false;
    throw error;
  }
  if (!credential) return false;
  storeTokens(
    (await postForTokens('/api/auth/login/second-factor', { challenge, passkey: credential.toJSON() })) as TokenPair,
  );
  return true;
}

/** Keeps the freshly authenticated access token a step-up answered (same session, same refresh token). */
export function adoptAccessToken(token: string): void {
  accessToken = token;
}

/** Ends the session on the server (best effort) and forgets every token here. */
export async function signOut(): Promise<void> {
  const refreshToken = sessionStorage.getItem(REFRESH_KEY);
  accessToken = null;
  sessionStorage.removeItem(REFRESH_KEY);
  if (refreshToken) {
    await fetch('/api/auth/logout', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
    }).catch(() => undefined);
  }
}

/** Rotates the refresh token once for every caller waiting at the same time; false when the session is over. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    const refreshToken = sessionStorage.getItem(REFRESH_KEY);
    if (!refreshToken) return false;
    try {
      const response = await fetch('/api/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken }),
      });
      if (response.ok) {
        storeTokens((await response.json()) as TokenPair);
        return true;
      }
      if (response.status === 401 || response.status === 400) clearSession();
      return false;
    } catch {
      return false;
    }
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** The current access token, refreshing first when there is none in memory (after a reload). */
export async function currentAccessToken(): Promise<string | null> {
  if (!accessToken) await refreshSession();
  return accessToken;
}

/** fetch() with the access token; on 401 refreshes once and retries once. */
export async function authorizedFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const send = async () => {
    const headers = new Headers(init.headers);
    const token = await currentAccessToken();
    if (token) headers.set('authorization', `Bearer ${token}`);
    return fetch(path, { ...init, headers });
  };
  let response = await send();
  // A read refused while the database is briefly unavailable (503 + Retry-After) is tried again, twice at most.
  for (let retry = 0; retry < 2 && isBriefOutage(init.method, response); retry++) {
    await new Promise((resolve) => setTimeout(resolve, retryAfterMs(response)));
    response = await send();
  }
  if (!(await isTokenRefusal(response))) return response;
  if (await refreshSession()) response = await send();
  if (await isTokenRefusal(response)) clearSession();
  return response;
}

/** A 503 to a read: safe to repeat after the time the service asks for. */
function isBriefOutage(method: string | undefined, response: Response): boolean {
  return response.status === 503 && (method ?? 'GET').toUpperCase() === 'GET';
}

/** The service's Retry-After in milliseconds, between 0.5 and 5 s. */
function retryAfterMs(response: Response): number {
  const seconds = Number(response.headers.get('retry-after'));
  return Math.min(Math.max(Number.isFinite(seconds) ? seconds : 1, 0.5), 5) * 1000;
}

// 401s about what the person typed or must confirm, not about the token: refreshing would not help.
const NOT_TOKEN_REFUSALS = new Set(['invalid_credentials', 'invalid_second_factor', 'step_up_required']);

/** A 401 about the token (expired, revoked, missing) — not a wrong password, or a step-up asked for. */
async function isTokenRefusal(response: Response): Promise<boolean> {
  if (response.status !== 401) return false;
  const body = (await response
    .clone()
    .json()
    .catch(() => ({}))) as { error?: { code?: string } };
  return !NOT_TOKEN_REFUSALS.has(body.error?.code ?? '');
}

/** Sends JSON (optional) and reads JSON; throws ApiError on any non-2xx answer. */
export async function requestJson<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.headers = { 'content-type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  const response = await authorizedFetch(path, init);
  if (!response.ok) throw await toApiError(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export { ApiError };
