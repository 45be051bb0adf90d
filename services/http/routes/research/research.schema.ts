// Shapes of the research and consent routes. Research queries are parsed inside the handler (queryBody), so that
// a malformed query (operators, oversized fields) is audited as a denial like any other.
import { z } from 'zod';
import { accessLevels, dateTruncations, statistics } from '../../../../policies/research/access-policy.js';
import { duoModifierCodes, duoPermissionCodes } from '../../../../policies/research/duo.js';
import { groupByDimensions } from '../../../../policies/research/group-by.js';

const instant = z.iso.datetime().describe('ISO 8601 UTC instant with milliseconds, e.g. 2025-01-01T00:00:00.000Z');
const code = z.string().min(1).max(64);
const policyId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/);

export const requestBody = z.strictObject({
  title: z.string().trim().min(1).max(200),
  purpose: z.string().trim().min(1).max(4000),
  duo: z.strictObject({
    permission: z.enum(duoPermissionCodes),
    modifiers: z.array(z.enum(duoModifierCodes)).max(duoModifierCodes.length).default([]),
    disease: z.string().min(1).max(200).optional(),
  }),
  categories: z.array(code).min(1).max(20),
  level: z.enum(accessLevels).default('aggregate'),
  statistics: z.array(z.enum(statistics)).min(1).max(statistics.length),
  groupBy: z.array(z.enum(groupByDimensions)).max(groupByDimensions.length).default([]),
  period: z.strictObject({ from: instant, to: instant }),
  validUntil: instant,
  epsilon: z.number().positive().max(1000).describe('Requested total privacy budget ε for the life of the policy'),
  ethicsApproval: z.string().trim().min(1).max(200).optional(),
  minCellSize: z.number().int().min(1).max(10_000).optional(),
  deidentification: z
    .strictObject({
      dateTruncation: z.enum(dateTruncations).optional(),
      profileFields: z.array(z.enum(groupByDimensions)).max(groupByDimensions.length).optional(),
    })
    .optional(),
});

export const requestSchema = z.object({
  id: z.string(),
  researcherId: z.string(),
  createdAt: z.string(),
  status: z.enum(['submitted', 'proposed']),
  proposalId: z.string().nullable(),
  policyId: z.string().nullable(),
  request: z.record(z.string(), z.unknown()),
});

export const idParams = z.object({ id: z.uuid() });
export const policyParams = z.object({ id: policyId });

export const queryBody = z.strictObject({
  policyId,
  category: code,
  statistic: z.string().min(1).max(32),
  groupBy: z.array(z.string().min(1).max(32)).max(3).optional(),
  from: instant.optional(),
  to: instant.optional(),
  epsilon: z.number().positive().max(1000).optional().describe('ε to spend; default a tenth of the budget'),
});

export const exportQuery = z.strictObject({ category: code, from: instant.optional(), to: instant.optional() });

const impactSchema = z.object({
  policyId: z.string(),
  at: z.string(),
  minCellSize: z.number().int(),
  categories: z.array(z.object({ category: z.string(), members: z.number().int(), minCellSizeMet: z.boolean() })),
});
export { impactSchema };

export const policiesQuery = z.strictObject({ status: z.enum(['active', 'all']).default('active') });

export const insightsQuery = z.strictObject({ category: code });

const { $schema: _dialect, ...queryBodyJsonSchema } = z.toJSONSchema(queryBody, { io: 'input' });

/**
 * The body of a research query as the router reads it: any JSON, so that the handler validates it with `queryBody`
 * and audits a malformed one as a denial. Documented as `queryBody`, so the contract shows what is accepted.
 */
export const anyJson = z.unknown().meta({
  ...queryBodyJsonSchema,
  description: 'Validated strictly in the handler; a malformed body is refused with 400 invalid_request and audited.',
});
