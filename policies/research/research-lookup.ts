// Research requests that name no approved policy, and how a denial reason maps to an answer. Kept apart from
// decide.ts (which always has a policy in hand) so that engine stays a single function of one policy.
import type { Decision, DenyReason } from './decide.js';

// The decision for a request whose policy id the assembly never approved (unknown, draft, open or rejected):
// an unverified researcher learns only that; anyone else learns that no active policy has this id.
export function decideWithoutPolicy(researcherVerified: boolean): Decision {
  const reason: DenyReason = researcherVerified === true ? 'policy_not_active' : 'researcher_not_verified';
  return { decision: 'deny', reason, policyVersion: null };
}

// The HTTP-independent class of a denial: 400 malformed, 409 budget exhausted, 403 not allowed.
export function denialStatus(reason: string): 400 | 403 | 409 {
  if (reason === 'invalid_request' || reason === 'invalid_epsilon') return 400;
  if (reason === 'budget_exhausted') return 409;
  return 403;
}
