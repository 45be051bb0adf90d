// Approved access policies, derived from the assembly's votes whenever they are read (status is never stored).
//
// A policy id is the target of the proposals about it: an approved `access-policy` proposal whose frozen policy
// has that id makes it a policy (the newest approved one wins; earlier versions are superseded), from the
// instant its count became final (closesAt + the finalisation grace). An approved `revoke-policy` proposal on
// the same id, final after that instant, revokes it then. Anything that does not parse as a policy under the
// bylaws it was voted under, or whose id differs from its target, is not a policy (deny by default).
import { type AccessPolicy, parseAccessPolicy } from '../../policies/research/access-policy.js';
import type { Bylaws } from '../../policies/assembly/bylaws.js';
import { type PolicyStatus, policyStatus } from '../../policies/research/policy-status.js';
import { type Assembly, FINALISATION_GRACE_MS } from '../assembly/index.js';
import type { TransitionDocument } from '../assembly/index.js';

export interface ApprovedPolicy {
  policy: AccessPolicy;
  status: PolicyStatus;
  title: string;
  proposalId: string;
  approvedAt: Date;
  revokedAt: Date | null;
}

const finalAt = (t: TransitionDocument) => new Date(t.closesAt!.getTime() + FINALISATION_GRACE_MS);

/** Reads approved policies from the assembly. */
export class PolicyRegistry {
  constructor(private readonly assembly: Assembly) {}

  /** The policy with this id if the assembly ever approved it (with its status now), else null. */
  async find(policyId: string, now: Date): Promise<ApprovedPolicy | null> {
    return (await this.derive(now, policyId)).get(policyId) ?? null;
  }

  /** Every policy the assembly approved, newest approval first, with its status now. */
  async list(now: Date): Promise<ApprovedPolicy[]> {
    return [...(await this.derive(now)).values()].sort((a, b) => b.approvedAt.getTime() - a.approvedAt.getTime());
  }

  private async derive(now: Date, policyId?: string): Promise<Map<string, ApprovedPolicy>> {
    const votes = (await this.assembly.policyVotes(now, policyId)).filter((v) => v.outcome?.outcome === 'approved');
    const bylaws = new Map<number, Bylaws>();
    if (votes.length > 0)
      for (const v of await this.assembly.bylawsVersions(now)) bylaws.set(v.bylaws.version, v.bylaws);
    const result = new Map<string, ApprovedPolicy>();
    const approvals = votes
      .filter((v) => v.transition.kind === 'access-policy')
      .sort((a, b) => finalAt(a.transition).getTime() - finalAt(b.transition).getTime());
    for (const { transition } of approvals) {
      const parsed = parseAccessPolicy(transition.content?.policy, bylaws.get(transition.bylawsVersion ?? 1));
      if (!parsed.ok || parsed.policy.id !== transition.targetKey) continue;
      result.set(parsed.policy.id, {
        policy: parsed.policy,
        status: 'active',
        title: transition.content?.title ?? '',
        proposalId: transition._id,
        approvedAt: finalAt(transition),
        revokedAt: null,
      });
    }
    for (const { transition } of votes.filter((v) => v.transition.kind === 'revoke-policy')) {
      const approved = result.get(transition.targetKey);
      const at = finalAt(transition);
      if (!approved || at <= approved.approvedAt) continue;
      if (!approved.revokedAt || at < approved.revokedAt) approved.revokedAt = at;
    }
    for (const approved of result.values()) {
      approved.status = policyStatus(
        { validUntil: Date.parse(approved.policy.validUntil), revokedAt: approved.revokedAt },
        now,
      );
    }
    return result;
  }
}
