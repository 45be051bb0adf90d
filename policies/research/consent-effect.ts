// What a proposed access policy would mean for one member, by their own consent: for each category of the policy,
// whether their data would be included, for which uses, and if not, the first rule that keeps it out. The same
// `consentAllows` the query engine applies decides it, so the proposal page can never promise what a query refuses.
import type { AccessLevel, AccessPolicy } from './access-policy.js';
import { consentAllows, type Consent, type ConsentLevel, type InclusionReason, levelFor } from './consent.js';

/**
 * `included`: every use the policy allows; `aggregate_only`: a pseudonymised policy's aggregate queries but not its
 * record-level export (the member consented to aggregates only); `excluded`: none, for `reason`.
 */
export const consentEffectKinds = ['included', 'aggregate_only', 'excluded'] as const;
export type ConsentEffectKind = (typeof consentEffectKinds)[number];

export interface CategoryEffect {
  readonly category: string;
  /** The member's own consent level for this category, as in force. */
  readonly consentLevel: ConsentLevel;
  readonly effect: ConsentEffectKind;
  /** `included` unless excluded; for `aggregate_only`, why the export leaves the member out. */
  readonly reason: InclusionReason;
}

// Each category of `policy` with what the member's `consent` would let it use of their data (deny by default).
export function consentEffect(consent: Consent, policy: AccessPolicy): CategoryEffect[] {
  return policy.categories.map((category) => {
    const consentLevel = levelFor(consent, category);
    const full = consentAllows(consent, policy, category, policy.level);
    if (full.included) return { category, consentLevel, effect: 'included', reason: 'included' };
    const aggregate: AccessLevel = 'aggregate';
    const partial = policy.level === 'pseudonymised' ? consentAllows(consent, policy, category, aggregate) : full;
    if (partial.included) return { category, consentLevel, effect: 'aggregate_only', reason: full.reason };
    return { category, consentLevel, effect: 'excluded', reason: partial.reason };
  });
}
