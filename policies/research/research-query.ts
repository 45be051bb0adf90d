// The language of a research query: what a researcher may ask under a policy, as one schema. Whether the policy
// allows it (category, statistic, group-by, period, ε) is `decide`'s question, asked after this one.
import { z } from 'zod';
import { categoryCodeSchema, groupByDimensionSchema, policyIdSchema, statisticSchema } from './access-policy.js';
import { canonicalInstantSchema } from '../shared/schemas.js';

/** An aggregate query `{ policyId, category, statistic, groupBy?, from?, to?, epsilon? }`; unknown fields refused. */
export const researchQuerySchema = z.strictObject({
  policyId: policyIdSchema,
  category: categoryCodeSchema,
  statistic: statisticSchema,
  groupBy: z.array(groupByDimensionSchema).max(3).optional(),
  from: canonicalInstantSchema.optional(),
  to: canonicalInstantSchema.optional(),
  // Its precision (whole micro-ε) and its fit in the budget are `decide`'s: refused as invalid_epsilon there.
  epsilon: z.number().positive().max(1000).optional().describe('ε to spend; default a tenth of the budget'),
});

export type ResearchQuery = z.output<typeof researchQuerySchema>;
