// Stewards verify researchers before those may file access requests.
import { z } from 'zod';
import {
  AFFILIATION_CHANGE_REASONS,
  VERIFICATION_METHODS,
  type Account,
  type Members,
} from '../../../members/index.js';
import type { ApiRouter } from '../../api-router.js';
import { presentAccount } from '../auth/account.presenter.js';
import { accountSchema, organisationSchema } from '../auth/auth.schema.js';

const listQuery = z.strictObject({
  status: z.enum(['pending', 'verified', 'rejected', 'all']).default('pending'),
});
const idParams = z.object({ id: z.uuid() });
const affiliationFields = {
  organisation: organisationSchema,
  nonProfit: z.boolean().describe('Whether the organisation is a not-for-profit (DUO NPU/NPUNCU policies need this)'),
};
const evidenceSchema = z.strictObject({
  method: z.enum(VERIFICATION_METHODS).describe('How the identity and affiliation were checked (audited)'),
  note: z
    .string()
    .trim()
    .min(3)
    .max(500)
    .describe('What the steward saw (sealed under the researcher’s key; never in the audit log)'),
});
const verifyBody = z.strictObject({
  ...affiliationFields,
  evidence: evidenceSchema.describe('How the steward checked who the researcher is and whom they act for'),
});

const affiliationBody = z.strictObject({
  ...affiliationFields,
  reason: z.enum(AFFILIATION_CHANGE_REASONS).describe('Why the affiliation changes (kept in the audit log)'),
});

/** A researcher as stewards see them: the account plus the evidence of the verification. */
export const researcherSchema = accountSchema.extend({
  evidence: z
    .object({ method: z.enum(VERIFICATION_METHODS), note: z.string() })
    .optional()
    .describe(
      'Verified researchers: how the steward checked them (absent for verifications made before it was recorded)',
    ),
  decidedAt: z.string().optional().describe('Verified researchers: when (ISO 8601)'),
});

// The account as stewards see a researcher: with the evidence of the verification (never shown to the researcher).
function presentResearcher(account: Account, now: Date): z.infer<typeof researcherSchema> {
  const decided = account.researcher;
  return {
    ...presentAccount(account, now),
    ...(decided?.evidence && { evidence: { method: decided.evidence.method, note: decided.evidence.note } }),
    ...(decided?.verification === 'verified' && decided.decidedAt && { decidedAt: decided.decidedAt.toISOString() }),
  };
}

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
        success: {
          status: 200,
          schema: z.object({ researchers: z.array(researcherSchema) }),
          description: 'Researchers',
        },
      },
      async ({ query }) => ({
        researchers: (await members.listResearchers(query.status)).map((r) => presentResearcher(r, now())),
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
        success: { status: 200, schema: researcherSchema, description: 'The verified researcher, with the evidence' },
        errors: {
          404: 'not_found (also for an id that is not a researcher)',
          409: 'researcher_already_verified (change the affiliation instead)',
        },
      },
      async ({ params, body, actor }) =>
        presentResearcher(await members.verifyResearcher(params.id, body, actor!.userId, now()), now()),
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
        success: { status: 200, schema: researcherSchema, description: 'The researcher with the new affiliation' },
        errors: {
          404: 'not_found (also for an id that is not a researcher)',
          409: 'researcher_not_verified, affiliation_unchanged',
        },
      },
      async ({ params, body, actor }) =>
        presentResearcher(await members.changeAffiliation(params.id, body, actor!.userId, now()), now()),
    );
}
