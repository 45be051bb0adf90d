// Counting a closed vote: the outcome written once under the proposal's id, and approved amendments adopted.
import {
  ballotListDigest,
  type PublishedBallot,
  tallyFromBallotList,
} from '../../policies/assembly/ballot-receipts.js';
import { applyAmendment } from '../../policies/assembly/bylaws-amendment.js';
import { type Bylaws, currentBylaws, InvalidBylawsError, parseBylaws } from '../../policies/assembly/bylaws.js';
import { tallyVotes } from '../../policies/assembly/tally.js';
import { isDuplicateKey } from '../db/connection.js';
import type { AssemblyStores, FinalisationStores, OutcomeDocument, TransitionDocument } from './assembly.model.js';

/**
 * Finalisation waits this long after closesAt. Ballots are refused from closesAt on, but a ballot request that
 * passed the clock check just before closesAt may still be writing; and instances' clocks may differ by a few
 * seconds. A minute covers both, so the ballot box is settled when it is counted.
 */
export const FINALISATION_GRACE_MS = 60_000;

/** Writes the outcome if the vote is over (idempotent; any instance may call it at any time). */
export async function finalise(deps: FinalisationStores, id: string, now: Date): Promise<OutcomeDocument | null> {
  const transition = await deps.transitions.findOne({ _id: id });
  if (!transition?.openedAt) return null;
  return finaliseIfDue(deps, transition, now);
}

/** Finalises an opened proposal once its grace period is over; every read path calls it, so none waits. */
export async function finaliseIfDue(
  deps: FinalisationStores,
  transition: TransitionDocument,
  now: Date,
): Promise<OutcomeDocument | null> {
  if (!transition.openedAt || now.getTime() < transition.closesAt!.getTime() + FINALISATION_GRACE_MS) {
    return null;
  }
  if (transition.kind === 'amend-bylaws') {
    // Amendments are adopted strictly in the order their votes closed.
    await adoptDueAmendments(deps, now);
    return deps.outcomes.findOne({ _id: transition._id });
  }
  return writeOutcome(deps, transition, now);
}

/** Counts the box and inserts the outcome under the proposal's id; a second instance reads the first's. */
async function writeOutcome(
  deps: Pick<AssemblyStores, 'outcomes' | 'ballots' | 'audit'>,
  transition: TransitionDocument,
  now: Date,
): Promise<OutcomeDocument> {
  const existing = await deps.outcomes.findOne({ _id: transition._id });
  if (existing) return existing;
  const list = await ballotList(deps, transition._id);
  const result = tallyVotes(tallyFromBallotList(list), transition.electorate!, transition.rules!);
  const outcome: OutcomeDocument = {
    _id: transition._id,
    outcome: result.outcome,
    reason: result.reason,
    totals: result.totals,
    ballotListDigest: ballotListDigest(list),
    finalisedAt: now,
  };
  try {
    await deps.outcomes.insertOne(outcome);
    await deps.audit.append(
      'proposal.finalised',
      'system',
      {
        proposalId: outcome._id,
        outcome: outcome.outcome,
        reason: outcome.reason,
        ballotListDigest: outcome.ballotListDigest,
      },
      now,
    );
    return outcome;
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    return (await deps.outcomes.findOne({ _id: transition._id }))!;
  }
}

/** Finalises every amendment whose vote is over, oldest first, and adopts the approved ones as new versions. */
export async function adoptDueAmendments(deps: FinalisationStores, now: Date): Promise<void> {
  const due = await deps.transitions
    .find({ kind: 'amend-bylaws', closesAt: { $lte: new Date(now.getTime() - FINALISATION_GRACE_MS) } })
    .sort({ closesAt: 1 })
    .toArray();
  for (const transition of due) {
    const outcome = await writeOutcome(deps, transition, now);
    if (outcome.outcome === 'approved') await adopt(deps, transition);
  }
}

/** Inserts the bylaws version an approved amendment produces; it governs proposals opened from its adoption. */
async function adopt(deps: Pick<AssemblyStores, 'bylaws' | 'log'>, transition: TransitionDocument): Promise<void> {
  // Adopted when the count becomes final, so no proposal opened before that instant falls under it.
  const adoptedAt = transition.closesAt!.getTime() + FINALISATION_GRACE_MS;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await deps.bylaws.findOne({ _id: transition._id }, { projection: { _id: 1 } })) return;
    const stored = await deps.bylaws.find({}).sort({ version: -1 }).limit(1).toArray();
    const latest = stored[0] ? parseBylaws(stored[0].bylaws) : currentBylaws;
    let next: Bylaws;
    try {
      next = applyAmendment(latest, transition.content!.amendment as never, adoptedAt);
    } catch (error) {
      if (!(error instanceof InvalidBylawsError)) throw error;
      deps.log?.error({ proposalId: transition._id, problems: error.problems }, 'approved amendment not applicable');
      return;
    }
    try {
      await deps.bylaws.insertOne({
        _id: transition._id,
        version: next.version,
        adoptedAt: new Date(adoptedAt),
        bylaws: next,
      });
      return;
    } catch (error) {
      // Either another instance adopted this amendment (seen above next time) or took the number: retry.
      if (!isDuplicateKey(error)) throw error;
    }
  }
}

/** The ballot box of one proposal as (receipt, choice[, voter]) entries: what is counted and what is published. */
export async function ballotList(
  deps: Pick<AssemblyStores, 'ballots'>,
  id: string,
): Promise<(PublishedBallot & { voter?: string })[]> {
  const entries = await deps.ballots.find({ proposalId: id }).toArray();
  const prefix = `${id}:`;
  return entries.map((entry) => ({
    receipt: entry._id.slice(prefix.length),
    choice: entry.choice,
    ...(entry.voterId && { voter: entry.voterId }),
  }));
}
