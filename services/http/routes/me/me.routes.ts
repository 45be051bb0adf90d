// The caller's own account.
import type { Members } from '../../../members/index.js';
import type { ApiRouter } from '../../api-router.js';
import { presentAccount } from '../auth/account.presenter.js';
import { accountSchema } from '../auth/auth.schema.js';
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
    );
}
