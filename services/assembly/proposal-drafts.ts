// A proposal before its vote: drafted by a steward, edited, or withdrawn instead of opened.
import { randomUUID } from 'node:crypto';
import { validateEdit, validateWithdrawal } from '../../policies/assembly/proposal-lifecycle.js';
import { claimOnce } from '../db/claims.js';
import { Conflict } from '../errors.js';
import type { AssemblyStores, FinalisationStores, ProposalDocument, ReadingStores } from './assembly.model.js';
import type { DraftInput, DraftPatch, ProposalView } from './assembly.model.js';
import { checkContent, targetOf } from './proposal-content.js';
import { readView, timelineOf } from './proposal-view.js';
import { refuseUnless } from './refusals.js';

/** A steward drafts a proposal; it must be enactable under the bylaws in force and the state now. */
export async function createDraft(
  deps: FinalisationStores & Pick<AssemblyStores, 'proposals'>,
  input: DraftInput,
  stewardId: string,
  now: Date,
): Promise<ProposalView> {
  const targetPolicyId = targetOf(input);
  const content = await checkContent(deps, input.kind, input, { targetKey: targetPolicyId }, now);
  const proposal: ProposalDocument = {
    _id: randomUUID(),
    kind: input.kind,
    targetPolicyId,
    ...(input.requestedBy && { requestedBy: input.requestedBy }),
    content,
    createdBy: stewardId,
    createdAt: now,
    updatedAt: now,
  };
  await deps.proposals.insertOne(proposal);
  await deps.audit.append('proposal.drafted', stewardId, { proposalId: proposal._id, kind: proposal.kind }, now);
  return { proposal, transition: null, outcome: null, announcement: null, status: 'draft', turnout: null };
}

/** Changes a draft's text or content; refused once the proposal has opened or been withdrawn. */
export async function editDraft(deps: ReadingStores, id: string, patch: DraftPatch, now: Date): Promise<ProposalView> {
  const view = await readView(deps, id, now);
  refuseUnless(validateEdit(timelineOf(view), now), Conflict);
  const content = await checkContent(
    deps,
    view.proposal.kind,
    { ...view.proposal.content, ...patch },
    { targetKey: view.proposal.targetPolicyId },
    now,
  );
  await deps.proposals.updateOne({ _id: id }, { $set: { content, updatedAt: now } });
  // Opening freezes its own copy of the content, so an edit racing an opening can never change the vote.
  return readView(deps, id, now);
}

/** Withdraws a draft: the one transition out of draft, so it excludes a concurrent opening. */
export async function withdraw(deps: ReadingStores, id: string, stewardId: string, now: Date): Promise<ProposalView> {
  const view = await readView(deps, id, now);
  refuseUnless(validateWithdrawal(timelineOf(view), now), Conflict);
  const inserted = await claimOnce(deps.transitions as never, id, {
    kind: view.proposal.kind,
    // Unique per proposal: a withdrawal occupies no target.
    targetKey: `withdrawn:${id}`,
    targetGeneration: 0,
    withdrawnAt: now,
    actorId: stewardId,
  });
  if (!inserted) throw new Conflict('proposal_not_draft', 'The proposal is no longer a draft.');
  await deps.audit.append('proposal.withdrawn', stewardId, { proposalId: id }, now);
  return readView(deps, id, now);
}
