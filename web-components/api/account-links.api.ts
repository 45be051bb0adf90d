// The calls behind the mailed links (no session needed): reset request and confirmation, verification, unlock.
import { toApiError } from './api-error.js';
import type { AccountLinkRoute } from '../src/router.js';

/** Sends the form of one account-link page; throws ApiError (e.g. `invalid_token`) when the service refuses. */
export async function postAccountLink(
  mode: AccountLinkRoute,
  fields: { token: string; email: string; password: string },
): Promise<void> {
  const [path, body] =
    mode === 'forgot-password'
      ? ['/api/auth/password-reset', { email: fields.email }]
      : mode === 'reset-password'
        ? ['/api/auth/password-reset/confirm', { token: fields.token, password: fields.password }]
        : mode === 'verify-email'
          ? ['/api/auth/verify-email', { token: fields.token }]
          : ['/api/auth/unlock', { token: fields.token }];
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw await toApiError(response);
}
