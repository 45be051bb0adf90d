// Registration, log-in, token refresh and log-out.
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { Members } from '../../../members/index.js';
import type { ApiRouter } from '../../api-router.js';
import { presentAccount } from './account.presenter.js';
import {
  accountSchema,
  loginAnswerSchema,
  loginBody,
  refreshBody,
  registerBody,
  secondFactorLoginBody,
  stepUpAnswerSchema,
  stepUpBody,
  stepUpChallengeSchema,
  tokenPairSchema,
} from './auth.schema.js';

/** Adds the /api/auth routes. */
export function authRoutes(api: ApiRouter, members: Members, now: () => Date): void {
  api
    .route(
      {
        method: 'post',
        path: '/api/auth/register',
        summary:
          'Create a member account (active at once) or a researcher account (pending until verified); an address ' +
          'already in use gets the same answer, but no account (no e-mail enumeration)',
        tag: 'auth',
        access: 'public',
        body: registerBody,
        success: { status: 201, schema: accountSchema, description: 'The new account' },
        errors: {
          429: 'rate_limited (registrations and log-ins share a budget per address)',
        },
      },
      async ({ body, ctx }) => presentAccount(await members.register(body, now(), ctx.ip), now()),
    )
    .route(
      {
        method: 'post',
        path: '/api/auth/login',
        summary:
          'Exchange e-mail and password for an access token and a refresh token, or (with a second factor) for a ' +
          'challenge to answer with a code',
        tag: 'auth',
        access: 'public',
        body: loginBody,
        success: { status: 200, schema: loginAnswerSchema, description: 'A new session, or a second-factor challenge' },
        errors: { 401: 'invalid_credentials', 429: 'rate_limited' },
      },
      async ({ body, ctx }) => members.login(body.email, body.password, ctx.ip, now()),
    )
    .route(
      {
        method: 'post',
        path: '/api/auth/login/second-factor',
        summary: 'Finish a log-in with the challenge and a code from your authenticator app (or a recovery code)',
        tag: 'auth',
        access: 'public',
        body: secondFactorLoginBody,
        success: { status: 200, schema: tokenPairSchema, description: 'A new session' },
        errors: { 401: 'invalid_second_factor (wrong or used code, expired or used challenge: sign in again)' },
      },
      async ({ body }) => {
        const proof =
          'code' in body
            ? { code: body.code }
            : 'recoveryCode' in body
              ? { recoveryCode: body.recoveryCode }
              : { passkey: body.passkey as unknown as AuthenticationResponseJSON };
        return members.loginSecondFactor(body.challenge, proof, now());
      },
    )
    .route(
      {
        method: 'post',
        path: '/api/auth/step-up/challenge',
        summary:
          'What confirming it is you needs before erasure, an admission decision or an export: your password, or ' +
          'your second factor (with a challenge for a passkey to sign)',
        tag: 'auth',
        access: 'authenticated',
        success: { status: 200, schema: stepUpChallengeSchema, description: 'How to confirm' },
      },
      async ({ actor }) => members.stepUpChallenge(actor!, now()),
    )
    .route(
      {
        method: 'post',
        path: '/api/auth/step-up',
        summary:
          'Confirm it is you (the password, or the second factor when you have one): an access token of the same ' +
          'session that may erase, decide admissions and export for five minutes; throttled like log-in',
        tag: 'auth',
        access: 'authenticated',
        body: stepUpBody,
        success: { status: 200, schema: stepUpAnswerSchema, description: 'A freshly authenticated access token' },
        errors: {
          400: 'second_factor_expected, password_expected',
          401: 'invalid_credentials, invalid_second_factor',
          429: 'rate_limited (shares the delays of log-in)',
        },
      },
      async ({ actor, body, ctx }) => {
        const proof =
          'passkey' in body
            ? { challenge: body.challenge, passkey: body.passkey as unknown as AuthenticationResponseJSON }
            : body;
        return members.stepUp(actor!, proof, ctx.ip, now());
      },
    )
    .route(
      {
        method: 'post',
        path: '/api/auth/refresh',
        summary: 'Rotate a refresh token; reusing an old one ends the whole session',
        tag: 'auth',
        access: 'public',
        body: refreshBody,
        success: { status: 200, schema: tokenPairSchema, description: 'A new token pair' },
        errors: { 401: 'invalid_refresh_token' },
      },
      async ({ body }) => members.refresh(body.refreshToken, now()),
    )
    .route(
      {
        method: 'post',
        path: '/api/auth/logout',
        summary: 'End the session of this refresh token; its access tokens stop working at once',
        tag: 'auth',
        access: 'public',
        body: refreshBody,
        success: { status: 204, description: 'Logged out' },
        errors: { 401: 'invalid_refresh_token' },
      },
      async ({ body, ctx }) => {
        await members.logout(body.refreshToken, now());
        // The member's own answers may sit in this browser's private cache (conditional-get.ts): drop them.
        ctx.set('Clear-Site-Data', '"cache"');
      },
    );
}
