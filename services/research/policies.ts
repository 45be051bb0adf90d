// The approved policies as researchers and stewards see them, with their privacy budget.
import { type AccessPolicy, policyBudgetMicro } from '../../policies/research/access-policy.js';
import { microToEpsilon } from '../../policies/research/privacy.js';
import type { ApprovedPolicy } from './policy-registry.js';
import type { ResearchContext } from './research-context.js';

/** Approved policies with their status now; keys of ended policies are destroyed on the way. */
export async function listPolicies(
  ctx: ResearchContext,
  now: Date,
  status: 'active' | 'all',
): Promise<ApprovedPolicy[]> {
  const all = await ctx.registry.list(now);
  const ended = all.filter((p) => p.status !== 'active').map((p) => p.policy.id);
  if (ended.length > 0) await ctx.policyKeys.deleteMany({ _id: { $in: ended } });
  return status === 'all' ? all : all.filter((p) => p.status === 'active');
}

/** Budget of a policy: total and remaining, in ε. */
export async function budgetOf(
  ctx: ResearchContext,
  policy: AccessPolicy,
): Promise<{ total: number; remaining: number }> {
  const total = policyBudgetMicro(policy);
  return { total: microToEpsilon(total), remaining: microToEpsilon(await ctx.ledger.remaining(policy.id, total)) };
}
