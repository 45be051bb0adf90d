// Shapes of the research and consent routes: the rules' own schemas from policies/research, used once at the edge.
// A malformed research query (operators, oversized fields) is still audited as a denial (the route's invalidBody).
import { z } from 'zod';
import {
  accessLevels,
  accessPolicyFields,
  accessPolicyProblemCodes,
  dateTruncations,
  epsilonBudgetSchema,
  policyIdSchema,
} from '../../../../policies/research/access-policy.js';
import { consentLevels, consentSchema, inclusionReasons } from '../../../../policies/research/consent.js';
import { consentEffectKinds } from '../../../../policies/research/consent-effect.js';
import { duoUseSchema } from '../../../../policies/research/duo.js';
import { researchQuerySchema } from '../../../../policies/research/research-query.js';
import { canonicalInstantSchema } from '../../../../policies/shared/schemas.js';
import { issue, withProblemCodes } from '../../../../policies/shared/problem.js';

const code = z.string().min(1).max(64);
/** Non-blank text, stored trimmed (as requests always were). */
const trimmedText = (max: number) => z.string().regex(/\S/, 'Must not be blank.').trim().max(max);

/**
 * An access request: the policy the researcher asks for, in the policy's own field rules (policies/research), so a
 * request that could never make a policy is refused here. The bylaws' caps (ε, cell size) are checked when it is filed.
 */
export const requestBody = withProblemCodes(
  z
    .strictObject({
      title: trimmedText(200),
      purpose: trimmedText(4000),
      duo: duoUseSchema({ modifiersDefault: true }),
      categories: accessPolicyFields.categories,
      level: z.enum(accessLevels).default('aggregate'),
      statistics: accessPolicyFields.statistics,
      groupBy: accessPolicyFields.groupBy.default([]),
      period: accessPolicyFields.period,
      validUntil: canonicalInstantSchema,
      epsilon: epsilonBudgetSchema.describe('Requested total privacy budget ε for the life of the policy'),
      ethicsApproval: trimmedText(200).optional(),
      minCellSize: z.number().int().min(1).max(10_000).optional().describe('Default: the bylaws’ minimum'),
      deidentification: z
        .strictObject({
          dateTruncation: z.enum(dateTruncations).optional(),
          profileFields: accessPolicyFields.deidentification.unwrap().shape.profileFields.unwrap().optional(),
        })
        .optional(),
    })
    .superRefine((request, ctx) => {
      if (request.duo.modifiers.includes('IRB') && request.ethicsApproval === undefined) {
        ctx.addIssue(issue(['ethicsApproval'], 'missing_field', 'ethicsApproval is required with the IRB modifier'));
      }
    }),
  { ...accessPolicyProblemCodes, '': 'invalid_type', epsilon: 'invalid_epsilon', 'epsilon:missing': 'invalid_epsilon' },
);

export const requestSchema = z.object({
  id: z.string(),
  researcherId: z.string(),
  createdAt: z.string(),
  status: z.enum(['submitted', 'proposed']),
  proposalId: z.string().nullable(),
  policyId: z.string().nullable().describe('The id the policy will have if the assembly approves it: not a policy yet'),
  proposal: z
    .object({
      status: z.enum(['draft', 'announced', 'open', 'closed', 'approved', 'rejected', 'withdrawn']),
      outcome: z
        .object({
          outcome: z.enum(['approved', 'rejected']),
          reason: z.enum(['approved', 'quorum_not_met', 'threshold_not_met', 'tie', 'no_decisive_votes']),
        })
        .nullable(),
    })
    .nullable()
    .optional()
    .describe('In lists: where the proposal made of the request stands now (null: none yet)'),
  request: z.record(z.string(), z.unknown()),
});

/** What an access-policy proposal would mean for the member's own data, by their consent in force. */
export const inclusionSchema = z.object({
  proposalId: z.string(),
  policyId: z.string(),
  consentVersion: z.number().int().describe('The consent version the answer was computed from (0: none set)'),
  categories: z.array(
    z.object({
      category: z.string(),
      consentLevel: z.enum(consentLevels),
      effect: z
        .enum(consentEffectKinds)
        .describe('included; aggregate_only (a pseudonymised policy, aggregate consent); excluded'),
      reason: z.enum(inclusionReasons).describe('included, or the first rule of your consent that keeps you out'),
    }),
  ),
});

export const idParams = z.object({ id: z.uuid() });
export const policyParams = z.object({ id: policyIdSchema });

/** A research query: the language's schema, checked once at the edge (a refusal is audited as a denial). */
export const queryBody = researchQuerySchema;

/** The member's consent, checked once at the edge by the cooperative's rule. */
export const consentBody = consentSchema;

const instant = z.iso.datetime().describe('ISO 8601 UTC instant with milliseconds, e.g. 2025-01-01T00:00:00.000Z');

// Not the canonical instant: a malformed export period is refused by `decide`, and so audited as a denial.
export const exportQuery = z.strictObject({ category: code, from: instant.optional(), to: instant.optional() });

const impactSchema = z.object({
  policyId: z.string(),
  at: z.string(),
  stage: z.enum(['draft', 'public']).describe('draft: the steward’s preview; public: the snapshot from opening on'),
  minCellSize: z.number().int(),
  categories: z.array(
    z.object({
      category: z.string(),
      members: z
        .object({ atLeast: z.number().int(), fewerThan: z.number().int() })
        .describe('A coarse band, never the exact count: [0, minCellSize) or a band of width 10 (100 from 1,000)'),
    }),
  ),
});
export { impactSchema };

export const policiesQuery = z.strictObject({ status: z.enum(['active', 'all']).default('active') });

export const insightsQuery = z.strictObject({ category: code });
