// The studies as one member sees them: every active policy, and for each of its categories whether this member's
// data is in it now under the consent in force (with the first rule that keeps it out), and whether they left it.
import { consentAllows, consentInForce, type InclusionReason } from '../../policies/research/consent.js';
import type { ApprovedPolicies } from './approved-policies.js';
import type { ConsentDeps } from './consent.js';
import type { EpsilonLedger } from './epsilon-ledger.js';
import { remainingMicro } from './policies.js';
import type { ApprovedPolicy } from './policy-registry.js';

/** One active study with this member's place in it. */
export interface MemberStudy {
  approved: ApprovedPolicy;
  /** What is left of its budget, in micro-ε. */
  remainingMicro: number;
  /** The member left this study ("leave a study"): none of their data is in it, whatever the categories say. */
  left: boolean;
  categories: { category: string; included: boolean; reason: InclusionReason }[];
}

/** Every active study with, per category, whether the member's data is in it now (consent in force at `now`). */
export async function memberStudies(
  deps: ConsentDeps & { policies: ApprovedPolicies; ledger: EpsilonLedger },
  memberId: string,
  now: Date,
): Promise<MemberStudy[]> {
  const [all, history] = await Promise.all([
    deps.policies.list(now),
    deps.members.dataKeyOf(memberId).then((key) => deps.consents.history(memberId, key)),
  ]);
  const consent = consentInForce(history, now);
  const active = all.filter((p) => p.status === 'active');
  return Promise.all(
    active.map(async (approved) => ({
      approved,
      remainingMicro: await remainingMicro(deps.ledger, approved.policy),
      left: consent.optedOutPolicies.includes(approved.policy.id),
      categories: approved.policy.categories.map((category) => {
        const { included, reason } = consentAllows(consent, approved.policy, category);
        return { category, included, reason };
      }),
    })),
  );
}
