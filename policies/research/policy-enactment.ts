// Which approved policy votes the cooperative enacted, and why the others could not be: the one derivation of
// the access policies in force. An approved `access-policy` vote becomes (or replaces) the policy named by its
// target from the instant its count is final, if its policy is valid under the bylaws in force at that instant
// and still has time to run; an approved `revoke-policy` vote ends the policy it targets at that instant, if that
// policy is active then. Everything else is refused with a stable reason, never dropped without one.
import type { Bylaws } from '../assembly/bylaws.js';
import { bylawsInForce } from '../assembly/bylaws-amendment.js';
import type { Problem } from '../shared/problem.js';
import { type AccessPolicy, parseAccessPolicy } from './access-policy.js';
import { policyStatus } from './policy-status.js';

/** An approved vote about a policy, as the assembly froze it. */
export interface ApprovedPolicyVote {
  readonly proposalId: string;
  readonly kind: 'access-policy' | 'revoke-policy';
  /** The policy id the proposal occupied while open. */
  readonly targetKey: string;
  readonly title: string;
  /** access-policy: the frozen policy as voted. */
  readonly policy?: unknown;
  /** When the count became final (closesAt plus the finalisation grace), in epoch ms. */
  readonly finalAt: number;
}

/** Why an approved motion could not be enacted when its count became final. */
export type EnactmentRefusal =
  /** The policy is not valid under the bylaws in force at the close (they changed during the vote). */
  | 'policy_outside_bylaws'
  /** The frozen policy names another id than the one its proposal targeted. */
  | 'policy_id_mismatch'
  /** The policy's validity had ended by the close. */
  | 'policy_expired'
  /** The revoked policy was not active at the close (expired, revoked already, or never enacted). */
  | 'target_not_active'
  /** The amendment no longer makes valid bylaws against the version in force at the close. */
  | 'amendment_not_applicable';

export interface EnactedPolicy {
  readonly policy: AccessPolicy;
  readonly proposalId: string;
  readonly title: string;
  readonly approvedAt: number;
  revokedAt: number | null;
}

export interface Enactments {
  /** Policies by id: the newest enacted version of each. */
  readonly policies: Map<string, EnactedPolicy>;
  /** Approved votes that were not enacted, by proposal id. */
  readonly refusals: Map<string, { readonly reason: EnactmentRefusal; readonly problems: readonly Problem[] }>;
}

/** Replays approved policy votes in the order their counts became final; `history` is every bylaws version. */
export function enactPolicyVotes(votes: readonly ApprovedPolicyVote[], history: readonly Bylaws[]): Enactments {
  const policies = new Map<string, EnactedPolicy>();
  const refusals: Enactments['refusals'] = new Map();
  // At one instant an approval comes before a revocation, which then finds it not yet in force (strictly after).
  const ordered = [...votes].sort(
    (a, b) => a.finalAt - b.finalAt || (a.kind === b.kind ? 0 : a.kind === 'access-policy' ? -1 : 1),
  );
  for (const vote of ordered) {
    if (vote.kind === 'access-policy') {
      const parsed = parseAccessPolicy(vote.policy, bylawsInForce(history, vote.finalAt));
      if (!parsed.ok) {
        refusals.set(vote.proposalId, { reason: 'policy_outside_bylaws', problems: parsed.problems });
      } else if (parsed.policy.id !== vote.targetKey) {
        refusals.set(vote.proposalId, { reason: 'policy_id_mismatch', problems: [] });
      } else if (Date.parse(parsed.policy.validUntil) <= vote.finalAt) {
        refusals.set(vote.proposalId, { reason: 'policy_expired', problems: [] });
      } else {
        policies.set(parsed.policy.id, {
          policy: parsed.policy,
          proposalId: vote.proposalId,
          title: vote.title,
          approvedAt: vote.finalAt,
          revokedAt: null,
        });
      }
      continue;
    }
    const target = policies.get(vote.targetKey);
    if (!target || target.approvedAt >= vote.finalAt || !isActiveAt(target, vote.finalAt)) {
      refusals.set(vote.proposalId, { reason: 'target_not_active', problems: [] });
    } else {
      target.revokedAt = vote.finalAt;
    }
  }
  return { policies, refusals };
}

/** Whether an enacted policy allows access at `at` (not revoked, not expired). */
export function isActiveAt(enacted: EnactedPolicy, at: number): boolean {
  return (
    policyStatus({ validUntil: Date.parse(enacted.policy.validUntil), revokedAt: enacted.revokedAt }, at) === 'active'
  );
}
