// Approved access policies, derived from the assembly's votes whenever they are read (status is never stored).
//
// The assembly replays its approved policy votes (policies/research/policy-enactment.ts): an approved
// `access-policy` proposal makes its policy (the newest approved one wins) from the instant its count became final,
// if it is valid under the bylaws in force then and has time left to run; an approved `revoke-policy` proposal
// ends it then. An approved motion that could not be enacted is not a policy, and the assembly's results say why.
import type { AccessPolicy } from '../../policies/research/access-policy.js';
import { type PolicyStatus, policyStatus } from '../../policies/research/policy-status.js';
import type { Assembly } from '../assembly/index.js';

export interface ApprovedPolicy {
  policy: AccessPolicy;
  status: PolicyStatus;
  title: string;
  proposalId: string;
  approvedAt: Date;
  revokedAt: Date | null;
}

/** Reads approved policies from the assembly. */
export class PolicyRegistry {
  constructor(private readonly assembly: Pick<Assembly, 'policyEnactments'>) {}

  /** The policy with this id if the assembly ever enacted it (with its status now), else null. */
  async find(policyId: string, now: Date): Promise<ApprovedPolicy | null> {
    return (await this.derive(now, policyId)).get(policyId) ?? null;
  }

  /** Every policy the assembly enacted, newest approval first, with its status now. */
  async list(now: Date): Promise<ApprovedPolicy[]> {
    return [...(await this.derive(now)).values()].sort((a, b) => b.approvedAt.getTime() - a.approvedAt.getTime());
  }

  private async derive(now: Date, policyId?: string): Promise<Map<string, ApprovedPolicy>> {
    const { policies } = await this.assembly.policyEnactments(now, policyId);
    const result = new Map<string, ApprovedPolicy>();
    for (const [id, enacted] of policies) {
      result.set(id, {
        policy: enacted.policy,
        status: policyStatus({ validUntil: Date.parse(enacted.policy.validUntil), revokedAt: enacted.revokedAt }, now),
        title: enacted.title,
        proposalId: enacted.proposalId,
        approvedAt: new Date(enacted.approvedAt),
        revokedAt: enacted.revokedAt === null ? null : new Date(enacted.revokedAt),
      });
    }
    return result;
  }
}
