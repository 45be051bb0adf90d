// Casting and changing ballots, in secret mode (receipt from the member's secret) or open mode.
import { randomBytes } from 'node:crypto';
import { type BallotChoice, isHex32, receiptFromSecret } from '../../policies/assembly/ballot-receipts.js';
import { ballotRefusalReason } from '../../policies/assembly/eligibility.js';
import { validateBallotTiming } from '../../policies/assembly/proposal-lifecycle.js';
import { claimOnce } from '../db/claims.js';
import { Conflict, Forbidden, NotFound } from '../errors.js';
import type { AssemblyStores, TransitionDocument } from './assembly.model.js';
import type { BallotReceipt, Voter } from './assembly.model.js';
import { commitmentFromSecret, sameDigest } from './ballot-secret.js';
import { loadMembership, membershipRecord } from './electorate.js';
import { voidProxyBallot } from './proxy-mandates.js';
import { timelineOf } from './proposal-view.js';
import { ballotSecretInvalid, describe, refuseUnless } from './refusals.js';

/** What the ballot path touches: the opening, the register, the box, members' standing, the batched inserts. */
export type BallotStores = Pick<
  AssemblyStores,
  'transitions' | 'register' | 'ballots' | 'roll' | 'openings' | 'inserts' | 'proxyKeys'
>;

/** How often a member's ballot voids a racing proxy ballot and claims again before it gives up. */
const SUPERSEDE_ATTEMPTS = 3;

/**
 * Casts or changes a member's ballot. Secret mode: the first ballot claims the member's register entry (with a
 * commitment to the secret) and then inserts (receipt, choice) in the box; a change presents the same secret,
 * which must match the commitment, and replaces the choice under the same receipt.
 */
export async function castBallot(
  deps: BallotStores,
  id: string,
  voter: Voter,
  choice: BallotChoice,
  secret: string | undefined,
  now: Date,
): Promise<BallotReceipt> {
  const { userId } = voter;
  const transition = await openingOf(deps, id, now);
  // A proposal never opened (a draft, or withdrawn as one) is shown to stewards only, and stewards do not vote: to a
  // voter it answers exactly like a missing one, so holding its id reveals nothing.
  if (!transition?.openedAt) throw new NotFound();
  // An outcome exists only after closesAt plus the grace period, so the clock alone decides here.
  refuseUnless(validateBallotTiming(timelineOf({ transition, outcome: null }), now), Conflict);
  // The signed-in actor carries the membership read with this request (an active account); else read it.
  const membership = voter.membership
    ? membershipRecord({ status: 'active', membership: voter.membership })
    : await loadMembership(deps.roll, userId);
  if (!membership) throw new Forbidden('not_a_member', 'Only members vote.');
  const refusal = ballotRefusalReason(membership, transition.openedAt!, now);
  if (refusal) throw new Forbidden(refusal, describe(refusal));

  const registerId = `${id}:${userId}`;
  if (transition.rules!.ballotMode === 'open') return castOpenBallot(deps, id, userId, registerId, choice, secret);

  if (secret === undefined || !isHex32(secret)) throw ballotSecretInvalid();
  const receipt = receiptFromSecret(secret);
  const commitment = commitmentFromSecret(id, secret);
  const boxId = `${id}:${receipt}`;
  // Both inserts are unique-index claims, sent in batches with other members' ballots (db/insert-batcher.ts).
  for (let attempt = 1; ; attempt++) {
    if (await deps.inserts.register.insert({ _id: registerId, proposalId: id, userId, commitment })) {
      const inserted = await deps.inserts.ballots.insert({ _id: boxId, proposalId: id, choice });
      // A proxy ballot written between our void and our claim is voided again: the member's own ballot counts.
      if (attempt > 1) await voidProxyBallot(deps, id, userId, boxId);
      if (inserted) return { proposalId: id, receipt, choice, changed: false };
      // Not inserted: the same secret was presented concurrently by this member's other request; the last choice counts.
      break;
    }
    const entry = await deps.register.findOne({ _id: registerId });
    if (entry?.castBy === 'proxy' && attempt < SUPERSEDE_ATTEMPTS) {
      // The member's own ballot supersedes the one their proxy cast: void it and claim the entry again.
      await voidProxyBallot(deps, id, userId);
      continue;
    }
    if (!entry?.commitment || !sameDigest(entry.commitment, commitment)) throw ballotSecretInvalid();
    break;
  }
  // Replace the choice, or insert it if a failure after the register claim left the box entry missing.
  await deps.ballots.updateOne({ _id: boxId }, { $set: { choice, proposalId: id } }, { upsert: true });
  return { proposalId: id, receipt, choice, changed: true };
}

/**
 * The opening of a proposal, for the ballot path, cached for a second per instance. The opening never changes
 * except its deadline, which only moves later: a stale copy can refuse a ballot just after an extension (the
 * member retries), never accept a late one.
 */
export async function openingOf(
  deps: Pick<AssemblyStores, 'transitions' | 'openings'>,
  id: string,
  now: Date,
): Promise<TransitionDocument | null> {
  const cached = deps.openings.get(id, now);
  if (cached) return cached;
  const transition = await deps.transitions.findOne({ _id: id });
  if (transition?.openedAt) deps.openings.set(id, transition, now);
  return transition;
}

async function castOpenBallot(
  deps: Pick<AssemblyStores, 'register' | 'ballots' | 'proxyKeys'>,
  id: string,
  userId: string,
  registerId: string,
  choice: BallotChoice,
  secret: string | undefined,
): Promise<BallotReceipt> {
  if (secret !== undefined && !isHex32(secret)) throw ballotSecretInvalid();
  // Open mode links member and ballot by design; the receipt only names the ballot in the published list.
  const fresh = secret ? receiptFromSecret(secret) : randomBytes(32).toString('hex');
  let claimed = await claimOnce(deps.register as never, registerId, { proposalId: id, userId, receipt: fresh });
  if (!claimed && (await deps.register.findOne({ _id: registerId }))?.castBy === 'proxy') {
    await voidProxyBallot(deps, id, userId);
    claimed = await claimOnce(deps.register as never, registerId, { proposalId: id, userId, receipt: fresh });
  }
  const receipt = claimed ? fresh : ((await deps.register.findOne({ _id: registerId }))?.receipt ?? fresh);
  await deps.ballots.updateOne(
    { _id: `${id}:${receipt}` },
    { $set: { choice, proposalId: id, voterId: userId } },
    { upsert: true },
  );
  return { proposalId: id, receipt, choice, changed: !claimed };
}
