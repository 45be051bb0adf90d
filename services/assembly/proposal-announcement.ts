// Announcing a draft for discussion: it becomes visible to members (and its thread opens) before the vote.
import { validateAnnouncement } from '../../policies/assembly/proposal-lifecycle.js';
import { claimOnce } from '../db/claims.js';
import { Conflict } from '../errors.js';
import type { AssemblyStores, ProposalView, ReadingStores } from './assembly.model.js';
import { readView, timelineOf } from './proposal-view.js';
import { refuseUnless } from './refusals.js';

/** A steward announces a draft for discussion; once only, and never after opening or withdrawal. */
export async function announce(
  deps: ReadingStores & Pick<AssemblyStores, 'audit'>,
  id: string,
  stewardId: string,
  now: Date,
): Promise<ProposalView> {
  const view = await readView(deps, id, now);
  refuseUnless(validateAnnouncement(timelineOf(view), now), Conflict);
  // A unique insert: two stewards announcing at once announce once.
  if (!(await claimOnce(deps.announcements as never, id, { announcedAt: now, announcedBy: stewardId }))) {
    throw new Conflict('already_announced', 'The proposal is already announced for discussion.');
  }
  await deps.audit.append('proposal.announced', stewardId, { proposalId: id }, now);
  return readView(deps, id, now);
}
