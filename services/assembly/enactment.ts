// What the approved motions enacted, derived from the assembly's own records whenever it is read (never stored):
// the access policies in force and, for each approved motion that could not be enacted, the reason.
import {
  type ApprovedPolicyVote,
  enactPolicyVotes,
  type EnactmentRefusal,
  type Enactments,
} from '../../policies/research/policy-enactment.js';
import type { FinalisationStores, OutcomeDocument, TransitionDocument } from './assembly.model.js';
import { bylawsVersions } from './bylaws-versions.js';
import { FINALISATION_GRACE_MS } from './finalisation.js';
import { policyVotes } from './proposal-view.js';

/** Whether an approved motion took effect; null for a motion that was not approved (or not counted yet). */
export type Enactment = { enacted: true } | { enacted: false; reason: EnactmentRefusal } | null;

/** The policies in force and the refused policy motions (on one policy id, or all), as of `now`. */
export async function policyEnactments(deps: FinalisationStores, now: Date, policyId?: string): Promise<Enactments> {
  const approved = (await policyVotes(deps, now, policyId)).filter((v) => v.outcome?.outcome === 'approved');
  const history = approved.length > 0 ? (await bylawsVersions(deps, now)).map((v) => v.bylaws) : [];
  return enactPolicyVotes(
    approved.map(({ transition }) => approvedVote(transition)),
    history,
  );
}

/** The enactment of one counted proposal. */
export async function enactmentOf(
  deps: FinalisationStores,
  transition: TransitionDocument,
  outcome: OutcomeDocument | null,
  now: Date,
): Promise<Enactment> {
  if (outcome?.outcome !== 'approved') return null;
  if (transition.kind === 'amend-bylaws') {
    // Adoption inserts the new version under the amendment's id; an approved amendment without one did not apply.
    const adopted = await deps.bylaws.findOne({ _id: transition._id }, { projection: { _id: 1 } });
    return adopted ? { enacted: true } : { enacted: false, reason: 'amendment_not_applicable' };
  }
  const refusal = (await policyEnactments(deps, now, transition.targetKey)).refusals.get(transition._id);
  return refusal ? { enacted: false, reason: refusal.reason } : { enacted: true };
}

/** Enactments of many counted proposals at once (the public record), with two reads in all. */
export async function enactmentsOf(
  deps: FinalisationStores,
  counted: readonly { transition: TransitionDocument; outcome: OutcomeDocument | null }[],
  now: Date,
): Promise<Map<string, Enactment>> {
  const [policies, adopted] = await Promise.all([
    policyEnactments(deps, now),
    deps.bylaws.find({}, { projection: { _id: 1 } }).toArray(),
  ]);
  const adoptedIds = new Set(adopted.map((d) => d._id));
  const result = new Map<string, Enactment>();
  for (const { transition, outcome } of counted) {
    let enactment: Enactment = null;
    if (outcome?.outcome === 'approved') {
      const refusal =
        transition.kind === 'amend-bylaws'
          ? adoptedIds.has(transition._id)
            ? undefined
            : ('amendment_not_applicable' as const)
          : policies.refusals.get(transition._id)?.reason;
      enactment = refusal ? { enacted: false, reason: refusal } : { enacted: true };
    }
    result.set(transition._id, enactment);
  }
  return result;
}

function approvedVote(transition: TransitionDocument): ApprovedPolicyVote {
  return {
    proposalId: transition._id,
    kind: transition.kind as ApprovedPolicyVote['kind'],
    targetKey: transition.targetKey,
    title: transition.content?.title ?? '',
    ...(transition.content?.policy !== undefined && { policy: transition.content.policy }),
    finalAt: transition.closesAt!.getTime() + FINALISATION_GRACE_MS,
  };
}
