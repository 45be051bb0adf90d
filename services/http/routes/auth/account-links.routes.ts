// The routes behind the links the service mails: e-mail verification, password reset, log-in unlock. None needs a
// sign-in (the mailed token is the proof); none tells whether an address has an account.
import { z } from 'zod';
import type { Members } from '../../../members/index.js';
import type { ApiRouter } from '../../api-router.js';
import { passwordResetBody, passwordResetRequestBody, tokenBody } from './auth.schema.js';

const TOKEN_ERRORS = { 400: 'invalid_token (unknown, expired or already used)' };

/** Adds /api/auth/verify-email, /api/auth/password-reset(/confirm) and /api/auth/unlock. */
export function accountLinkRoutes(api: ApiRouter, members: Members, now: () => Date): void {
  api
    .route(
      {
        method: 'post',
        path: '/api/auth/verify-email',
        summary: 'Confirm your e-mail address with the token of the link sent at registration (works once)',
        tag: 'auth',
        access: 'public',
        body: tokenBody,
        success: { status: 204, description: 'The address is confirmed' },
        errors: TOKEN_ERRORS,
      },
      async ({ body }) => members.verifyEmail(body.token, now()),
    )
    .route(
      {
        method: 'post',
        path: '/api/auth/password-reset',
        summary: 'Ask for a password-reset link by e-mail; the same answer whether the address has an account or not',
        tag: 'auth',
        access: 'public',
        body: passwordResetRequestBody,
        success: {
          status: 202,
          schema: z.object({}),
          description: 'If the address has an account, a link is on its way (an empty object, always)',
        },
        errors: { 429: 'rate_limited (shares the per-address budget of log-ins and registrations)' },
      },
      async ({ body, ctx }) => {
        await members.requestPasswordReset(body.email, ctx.ip, now());
        return {};
      },
    )
    .route(
      {
        method: 'post',
        path: '/api/auth/password-reset/confirm',
        summary: 'Set a new password with the token of a reset link (once, within 30 minutes); ends every session',
        tag: 'auth',
        access: 'public',
        body: passwordResetBody,
        success: { status: 204, description: 'The password is changed and every session ended' },
        errors: TOKEN_ERRORS,
      },
      async ({ body }) => members.resetPassword(body.token, body.password, now()),
    )
    .route(
      {
        method: 'post',
        path: '/api/auth/unlock',
        summary: 'Lift the log-in delays of your account for this address, with the token of the mailed unlock link',
        tag: 'auth',
        access: 'public',
        body: tokenBody,
        success: { status: 204, description: 'You may sign in again from this address at once' },
        errors: TOKEN_ERRORS,
      },
      async ({ body, ctx }) => members.unlockLogin(body.token, ctx.ip, now()),
    );
}
