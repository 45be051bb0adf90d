// What a closed vote publishes: outcome, ballot list by receipt, and the participation list when allowed.
import { mayPublishParticipationList, sortBallotList } from '../../policies/assembly/ballot-receipts.js';
import { currentBylaws } from '../../policies/assembly/bylaws.js';
import { Conflict } from '../errors.js';
import type { PublishedResults, ReadingStores, Viewer } from './assembly.model.js';
import { enactmentOf } from './enactment.js';
import { ballotList, FINALISATION_GRACE_MS } from './finalisation.js';
import { get } from './proposal-view.js';
import { describe } from './refusals.js';

/**
 * Results: while open only the turnout; after close and the grace period, the outcome, totals, the ballot
 * list sorted by receipt and its digest, the participation list when enough members voted, and whether an
 * approved motion was enacted (with the reason when it could not be).
 */
export async function results(deps: ReadingStores, id: string, now: Date, viewer: Viewer): Promise<PublishedResults> {
  const view = await get(deps, id, now, viewer);
  const transition = view.transition;
  if (!transition?.openedAt) throw new Conflict('proposal_not_open', describe('proposal_not_open'));
  const finalisesAt = new Date(transition.closesAt!.getTime() + FINALISATION_GRACE_MS);
  if (!view.outcome) return { view, finalisesAt, ballots: null, participation: null, enactment: null };
  const boxed = await ballotList(deps, id);
  // Open mode publishes who voted what; in secret mode no entry has a voter.
  const voters = new Map(boxed.map((entry) => [entry.receipt, entry.voter]));
  const ballots = sortBallotList(boxed).map(({ receipt, choice }) => {
    const voter = voters.get(receipt);
    return voter ? { receipt, choice, voter } : { receipt, choice };
  });
  let participation: string[] | null = null;
  const register = await deps.register.find({ proposalId: id }, { projection: { userId: 1 } }).toArray();
  const publishable = mayPublishParticipationList(register.length, {
    participationListMinVoters:
      transition.participationListMinVoters ?? currentBylaws.publication.participationListMinVoters,
  });
  // Researchers see outcomes and ballots, never which members took part.
  if (publishable && viewer !== 'researcher') participation = register.map((entry) => entry.userId).sort();
  const enactment = await enactmentOf(deps, transition, view.outcome, now);
  return { view, finalisesAt, ballots, participation, enactment };
}
