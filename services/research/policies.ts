// The approved policies as researchers and stewards see them, with their privacy budget.
import { type AccessPolicy, policyBudgetMicro } from '../../policies/research/access-policy.js';
import { microToEpsilon } from '../../policies/research/privacy.js';
import type { ApprovedPolicies } from './approved-policies.js';
import type { EpsilonLedger } from './epsilon-ledger.js';
import type { ApprovedPolicy } from './policy-registry.js';

/** Approved policies with their status now (keys of ended policies are destroyed on the way: approved-policies.ts). */
export async function listPolicies(
  policies: ApprovedPolicies,
  now: Date,
  status: 'active' | 'all',
): Promise<ApprovedPolicy[]> {
  const all = await policies.list(now);
  return status === 'all' ? all : all.filter((p) => p.status === 'active');
}

/** Budget of a policy: total and remaining, in ε. */
export async function budgetOf(
  ledger: EpsilonLedger,
  policy: AccessPolicy,
): Promise<{ total: number; remaining: number }> {
  const total = policyBudgetMicro(policy);
  return { total: microToEpsilon(total), remaining: microToEpsilon(await remainingMicro(ledger, policy)) };
}

/** What is left of a policy's budget, in micro-ε. */
export async function remainingMicro(ledger: EpsilonLedger, policy: AccessPolicy): Promise<number> {
  return ledger.remaining(policy.id, policyBudgetMicro(policy));
}
