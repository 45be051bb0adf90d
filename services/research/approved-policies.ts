// The approved policies as the query, export and listing paths read them: from the assembly's votes (the registry),
// and the one place where the key of a policy that is no longer active is destroyed, on the way.
import type { ApprovedPolicy, PolicyRegistry } from './policy-registry.js';
import type { PolicyKeys } from './policy-keys.js';

/** Approved policies, with ended policies' pseudonym keys destroyed whenever they are read. */
export interface ApprovedPolicies {
  /** The policy with this id if the assembly ever approved it (with its status now), else null. */
  find(policyId: string, now: Date): Promise<ApprovedPolicy | null>;
  /** Every policy the assembly approved, newest approval first, with its status now. */
  list(now: Date): Promise<ApprovedPolicy[]>;
  /** Destroys the pseudonym keys of every policy no longer active at `now`; returns the ids whose key existed. */
  destroyEndedKeys(now: Date): Promise<string[]>;
}

/** Binds the registry to the policy keys. */
export function approvedPolicies(
  registry: Pick<PolicyRegistry, 'find' | 'list'>,
  keys: Pick<PolicyKeys, 'destroy'>,
): ApprovedPolicies {
  const forgetEnded = async (approved: readonly ApprovedPolicy[]) =>
    keys.destroy(approved.filter((p) => p.status !== 'active').map((p) => p.policy.id));
  return {
    async find(policyId, now) {
      const approved = await registry.find(policyId, now);
      if (approved) await forgetEnded([approved]);
      return approved;
    },
    async list(now) {
      const all = await registry.list(now);
      await forgetEnded(all);
      return all;
    },
    async destroyEndedKeys(now) {
      return forgetEnded(await registry.list(now));
    },
  };
}
