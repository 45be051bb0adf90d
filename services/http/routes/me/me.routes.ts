// The caller's own account.
import type { Members } from '../../../members/index.js';
import type { ApiRouter } from '../../api-router.js';
import { presentAccount, presentSecondFactors } from '../auth/account.presenter.js';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { z } from 'zod';
import {
  accountSchema,
  passkeyIdParams,
  passkeyRegistrationBody,
  recoveryCodesSchema,
  secondFactorsSchema,
  totpConfirmBody,
  totpEnrolmentSchema,
} from '../auth/auth.schema.js';
import { patchMeBody } from './me.schema.js';

/** Adds GET and PATCH /api/me. */
export function meRoutes(api: ApiRouter, members: Members, now: () => Date): void {
  api
    .route(
      {
        method: 'get',
        path: '/api/me',
        summary: 'Your own account and profile',
        tag: 'me',
        access: 'authenticated',
        success: { status: 200, schema: accountSchema, description: 'Your account' },
      },
      async ({ actor }) => presentAccount(await members.getAccount(actor!.userId), now()),
    )
    .route(
      {
        method: 'patch',
        path: '/api/me',
        summary: 'Change your name or research profile (members) or organisation (researchers)',
        tag: 'me',
        access: 'authenticated',
        body: patchMeBody,
        success: { status: 200, schema: accountSchema, description: 'Your updated account' },
      },
      async ({ actor, body }) => presentAccount(await members.updateProfile(actor!.userId, body, now()), now()),
    )
    .route(
      {
        method: 'post',
        path: '/api/me/second-factor/totp',
        summary: 'Start setting up an authenticator app: a new secret, shown once (confirm it with a code)',
        tag: 'me',
        access: 'authenticated',
        success: { status: 201, schema: totpEnrolmentSchema, description: 'The secret for the app' },
        errors: { 409: 'second_factor_enrolled' },
      },
      async ({ actor }) => members.beginTotpEnrolment(actor!.userId),
    )
    .route(
      {
        method: 'post',
        path: '/api/me/second-factor/totp/confirm',
        summary: 'Confirm the authenticator app with its current code; answers the ten recovery codes, once',
        tag: 'me',
        access: 'authenticated',
        body: totpConfirmBody,
        success: { status: 200, schema: recoveryCodesSchema, description: 'The second factor is on' },
        errors: { 400: 'invalid_code', 409: 'second_factor_enrolled or no_enrolment' },
      },
      async ({ actor, body }) => members.confirmTotpEnrolment(actor!.userId, body.code, now()),
    )
    .route(
      {
        method: 'post',
        path: '/api/me/second-factor/passkeys/options',
        summary: 'Options for registering a passkey (navigator.credentials.create), with a 5-minute challenge',
        tag: 'me',
        access: 'authenticated',
        success: { status: 200, schema: z.looseObject({ challenge: z.string() }), description: 'The options' },
      },
      async ({ actor }) => members.passkeyRegistrationOptions(actor!.userId, now()),
    )
    .route(
      {
        method: 'post',
        path: '/api/me/second-factor/passkeys',
        summary: "Register a passkey with the authenticator's answer to the options; it becomes a second factor",
        tag: 'me',
        access: 'authenticated',
        body: passkeyRegistrationBody,
        success: {
          status: 201,
          schema: z.object({
            id: z.string(),
            recoveryCodes: z
              .array(z.string())
              .optional()
              .describe("With the account's first second factor: the ten recovery codes, shown only now"),
          }),
          description: 'The passkey',
        },
        errors: { 400: 'invalid_passkey' },
      },
      async ({ actor, body }) =>
        members.registerPasskey(actor!.userId, body.response as unknown as RegistrationResponseJSON, now(), body.name),
    )
    .route(
      {
        method: 'get',
        path: '/api/me/second-factor',
        summary: 'Your second factors: the authenticator app, your passkeys (names and dates), recovery codes left',
        tag: 'me',
        access: 'authenticated',
        success: { status: 200, schema: secondFactorsSchema, description: 'What is set up (no key material)' },
      },
      async ({ actor }) => presentSecondFactors(await members.listSecondFactors(actor!.userId)),
    )
    .route(
      {
        method: 'delete',
        path: '/api/me/second-factor/totp',
        summary: 'Remove the authenticator app (after a fresh confirmation; a steward keeps at least one factor)',
        tag: 'me',
        access: 'authenticated',
        stepUp: true,
        success: { status: 204, description: 'Removed' },
        errors: { 404: 'not_found', 409: 'last_second_factor or concurrent_change' },
      },
      async ({ actor }) => members.removeTotp(actor!.userId, now()),
    )
    .route(
      {
        method: 'delete',
        path: '/api/me/second-factor/passkeys/:id',
        summary: 'Remove one of your passkeys (after a fresh confirmation; a steward keeps at least one factor)',
        tag: 'me',
        access: 'authenticated',
        stepUp: true,
        params: passkeyIdParams,
        success: { status: 204, description: 'Removed' },
        errors: { 404: 'not_found', 409: 'last_second_factor or concurrent_change' },
      },
      async ({ actor, params }) => members.removePasskey(actor!.userId, params.id, now()),
    )
    .route(
      {
        method: 'post',
        path: '/api/me/second-factor/recovery-codes',
        summary: 'Ten new recovery codes, shown once; the earlier ones stop working (after a fresh confirmation)',
        tag: 'me',
        access: 'authenticated',
        stepUp: true,
        success: { status: 200, schema: recoveryCodesSchema, description: 'The new codes' },
        errors: { 409: 'no_second_factor or concurrent_change' },
      },
      async ({ actor }) => members.renewRecoveryCodes(actor!.userId, now()),
    );
}
