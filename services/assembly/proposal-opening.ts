// Opening a vote with its frozen content, rules and electorate, and moving its deadline later.
import { contentDigest } from '../../policies/shared/canonical-digest.js';
import { electorateSize } from '../../policies/assembly/eligibility.js';
import {
  proposalStatus,
  validateDeadlineExtension,
  validateDiscussionPeriod,
  validateOpening,
  validateVotingWindow,
} from '../../policies/assembly/proposal-lifecycle.js';
import { rulesDigest, rulesForProposal } from '../../policies/assembly/proposal-rules.js';
import { claimOnce } from '../db/claims.js';
import { isDuplicateKey } from '../db/connection.js';
import { Conflict, InvalidRequest } from '../errors.js';
import type { AssemblyStores, ReadingStores, TransitionDocument } from './assembly.model.js';
import type { ProposalView } from './assembly.model.js';
import { bylawsInForce } from './bylaws-versions.js';
import { loadMemberships } from './electorate.js';
import { checkContent } from './proposal-content.js';
import { readView, timelineOf } from './proposal-view.js';
import { describe, refuseUnless, targetUnderVote } from './refusals.js';

/** Opens the vote: freezes content, rules and bylaws version with their digests, and fixes the electorate. */
export async function open(
  deps: ReadingStores & Pick<AssemblyStores, 'roll'>,
  id: string,
  closesAt: Date,
  stewardId: string,
  now: Date,
): Promise<ProposalView> {
  const view = await readView(deps, id, now);
  refuseUnless(validateOpening(timelineOf(view), now), Conflict);
  const { proposal } = view;
  const inForce = await bylawsInForce(deps, now);
  const minDiscussionHours = inForce.bylaws.assembly?.minDiscussionHours ?? 0;
  refuseUnless(validateDiscussionPeriod(timelineOf(view), minDiscussionHours, now), Conflict);
  const rules = rulesForProposal(inForce.bylaws, proposal.kind);
  refuseUnless(validateVotingWindow(rules, now, closesAt), InvalidRequest);
  // The motion must still be enactable under the version it will be voted under, and when it is counted.
  const content = await checkContent(
    deps,
    proposal.kind,
    proposal.content,
    { targetKey: proposal.targetPolicyId, closesAt },
    now,
  );

  const latest = await deps.transitions
    .find({ targetKey: proposal.targetPolicyId })
    .sort({ targetGeneration: -1 })
    .limit(1)
    .toArray();
  const holder = latest[0];
  if (holder && proposalStatus(timelineOf({ transition: holder, outcome: null }), now) === 'open') {
    throw targetUnderVote();
  }
  const memberships = await loadMemberships(deps.roll);
  const transition: TransitionDocument = {
    _id: id,
    kind: proposal.kind,
    targetKey: proposal.targetPolicyId,
    targetGeneration: (holder?.targetGeneration ?? 0) + 1,
    openedAt: now,
    closesAt,
    actorId: stewardId,
    electorate: electorateSize(
      memberships.map((m) => m.record),
      now,
    ),
    content,
    contentDigest: contentDigest(content),
    rules,
    rulesDigest: rulesDigest(rules),
    bylawsVersion: inForce.bylaws.version,
    bylawsDigest: inForce.digest,
    participationListMinVoters: inForce.bylaws.publication.participationListMinVoters,
  };
  try {
    await deps.transitions.insertOne(transition);
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    // Either this proposal left draft meanwhile, or another proposal took the target first.
    if (await deps.transitions.findOne({ _id: id }, { projection: { _id: 1 } })) {
      throw new Conflict('proposal_not_draft', 'The proposal is no longer a draft.');
    }
    throw targetUnderVote();
  }
  await deps.audit.append(
    'proposal.opened',
    stewardId,
    {
      proposalId: id,
      closesAt: closesAt.toISOString(),
      electorate: transition.electorate,
      contentDigest: transition.contentDigest,
    },
    now,
  );
  return readView(deps, id, now);
}

/** Moves the deadline later (never earlier), within the frozen maximum window. */
export async function extend(
  deps: ReadingStores & Pick<AssemblyStores, 'claims' | 'openings'>,
  id: string,
  closesAt: Date,
  now: Date,
): Promise<ProposalView> {
  const view = await readView(deps, id, now);
  const transition = view.transition;
  const check = transition?.rules
    ? validateDeadlineExtension(timelineOf(view), transition.rules, closesAt, now)
    : ({ ok: false, reason: 'proposal_not_open' } as const);
  if (!check.ok) {
    if (check.reason === 'proposal_not_open') throw new Conflict(check.reason, describe(check.reason));
    throw new InvalidRequest(check.reason, describe(check.reason));
  }
  // One extension per previous deadline, so two stewards extending at once cannot undo each other.
  const previous = transition!.closesAt!.getTime();
  if (!(await claimOnce(deps.claims, `extend:${id}:${previous}`, { at: now }))) {
    throw new Conflict('concurrent_update', 'The deadline changed meanwhile; reload and try again.');
  }
  await deps.transitions.updateOne({ _id: id }, { $set: { closesAt } });
  await deps.audit.append('proposal.extended', 'steward', { proposalId: id, closesAt: closesAt.toISOString() }, now);
  deps.openings.forget(id);
  return readView(deps, id, now);
}
