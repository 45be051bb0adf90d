// Stewards verify researchers before those may file access requests.
import { z } from 'zod';
import { AFFILIATION_CHANGE_REASONS, type Members } from '../../../members/index.js';
import type { ApiRouter } from '../../api-router.js';
import { presentAccount } from '../auth/account.presenter.js';
import { accountSchema, organisationSchema } from '../auth/auth.schema.js';

const listQuery = z.strictObject({
  status: z.enum(['pending', 'verified', 'rejected', 'all']).default('pending'),
});
const idParams = z.object({ id: z.uuid() });
const verifyBody = z.strictObject({
  organisation: organisationSchema,
  nonProfit: z.boolean().describe('Whether the organisation is a not-for-profit (DUO NPU/NPUNCU policies need this)'),
});

const affiliationBody = verifyBody.extend({
  reason: z.enum(AFFILIATION_CHANGE_REASONS).describe('Why the affiliation changes (kept in the audit log)'),
});

/** Adds the steward's researcher-verification routes. */
export function researcherRoutes(api: ApiRouter, members: Members, now: () => Date): void {
  api
    .route(
      {
        method: 'get',
        path: '/api/steward/researchers',
        summary: 'Researchers by verification status (default: pending)',
        tag: 'steward',
        access: ['steward'],
        query: listQuery,
        success: { status: 200, schema: z.object({ researchers: z.array(accountSchema) }), description: 'Researchers' },
      },
      async ({ query }) => ({
        researchers: (await members.listResearchers(query.status)).map((r) => presentAccount(r, now())),
      }),
    )
    .route(
      {
        method: 'post',
        path: '/api/steward/researchers/:id/verify',
        summary: "Confirm a researcher's organisation and whether it is non-profit",
        tag: 'steward',
        access: ['steward'],
        params: idParams,
        body: verifyBody,
        success: { status: 200, schema: accountSchema, description: 'The verified researcher' },
        errors: {
          404: 'not_found (also for an id that is not a researcher)',
          409: 'researcher_already_verified (change the affiliation instead)',
        },
      },
      async ({ params, body, actor }) =>
        presentAccount(await members.verifyResearcher(params.id, body, actor!.userId, now()), now()),
    )
    .route(
      {
        method: 'post',
        path: '/api/steward/researchers/:id/affiliation',
        summary: "Change a verified researcher's organisation or non-profit status, with a reason (audited)",
        tag: 'steward',
        access: ['steward'],
        params: idParams,
        body: affiliationBody,
        success: { status: 200, schema: accountSchema, description: 'The researcher with the new affiliation' },
        errors: {
          404: 'not_found (also for an id that is not a researcher)',
          409: 'researcher_not_verified, affiliation_unchanged',
        },
      },
      async ({ params, body, actor }) =>
        presentAccount(await members.changeAffiliation(params.id, body, actor!.userId, now()), now()),
    );
}
