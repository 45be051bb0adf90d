// What an access-policy proposal would mean for one member's data, by the consent they have in force now: the
// page says "your data would be included" or why not, from the same rule the query engine applies.
import { parseAccessPolicy } from '../../policies/research/access-policy.js';
import { type CategoryEffect, consentEffect } from '../../policies/research/consent-effect.js';
import type { Assembly } from '../assembly/index.js';
import { InvalidRequest } from '../errors.js';
import { type ConsentDeps, consentOf } from './consent.js';

export interface ProposalInclusion {
  proposalId: string;
  policyId: string;
  /** The version of the member's consent the answer was computed from (0: never set, nothing shared). */
  consentVersion: number;
  categories: CategoryEffect[];
}

/** The member's own inclusion in an access-policy proposal, category by category (never anyone else's). */
export async function proposalInclusion(
  deps: ConsentDeps & { assembly: Pick<Assembly, 'get'> },
  memberId: string,
  proposalId: string,
  now: Date,
): Promise<ProposalInclusion> {
  const view = await deps.assembly.get(proposalId, now, 'member');
  const content = view.transition?.content ?? view.proposal.content;
  const parsed = parseAccessPolicy(content.policy);
  if (view.proposal.kind !== 'access-policy' || !parsed.ok) {
    throw new InvalidRequest('not_an_access_policy', 'This proposal carries no valid access policy.');
  }
  const { consent, version } = await consentOf(deps, memberId, now);
  return {
    proposalId,
    policyId: parsed.policy.id,
    consentVersion: version,
    categories: consentEffect(consent, parsed.policy),
  };
}
