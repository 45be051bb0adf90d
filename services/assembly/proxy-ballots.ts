// A proxy casts (or changes) the one extra ballot of the member who named them; the member's own ballot supersedes it.
import { type BallotChoice, isHex32, receiptFromSecret } from '../../policies/assembly/ballot-receipts.js';
import { claimOnce } from '../db/claims.js';
import { Conflict } from '../errors.js';
import type { AssemblyStores, BallotReceipt } from './assembly.model.js';
import { commitmentFromSecret, sameDigest } from './ballot-secret.js';
import { openVote, refuseIneligibleVoter, voidProxyBallot } from './proxy-mandates.js';
import { ballotSecretInvalid } from './refusals.js';

export type ProxyBallotStores = Pick<
  AssemblyStores,
  'transitions' | 'mandates' | 'register' | 'ballots' | 'roll' | 'proxyKeys'
>;

const notAProxy = () => new Conflict('not_a_proxy', 'No member has named you as proxy for this proposal.');
const principalVoted = () =>
  new Conflict('principal_voted', 'The member you represent has voted themselves; their ballot counts.');

/**
 * Secret mode as for any ballot: the proxy's client draws the secret; the principal's register entry is claimed
 * with its commitment and marked `castBy: proxy`; the box entry carries the keyed tag that lets the principal's
 * own ballot or a revocation void it. Returns the receipt, which the principal also sees (sealed for them).
 */
export async function castProxyBallot(
  deps: ProxyBallotStores,
  id: string,
  proxyId: string,
  choice: BallotChoice,
  secret: string | undefined,
  now: Date,
): Promise<BallotReceipt & { principalId: string }> {
  const transition = await openVote(deps, id, now);
  await refuseIneligibleVoter(deps, proxyId, transition, now);
  const principalId = await mandatedPrincipal(deps, id, proxyId);
  if (!principalId) throw notAProxy();
  // The principal must still be a voter: the proxy carries their vote, not one of their own.
  await refuseIneligibleVoter(deps, principalId, transition, now).catch(() => {
    throw new Conflict('principal_not_eligible', 'The member you represent may not vote on this proposal now.');
  });
  if (secret === undefined || !isHex32(secret)) throw ballotSecretInvalid();
  const receipt = receiptFromSecret(secret);
  const commitment = commitmentFromSecret(id, secret);
  const registerId = `${id}:${principalId}`;
  const boxId = `${id}:${receipt}`;
  const proxyTag = deps.proxyKeys.ballotTag(id, principalId);

  let changed = false;
  const fields = { proposalId: id, userId: principalId, commitment, castBy: 'proxy' };
  if (!(await claimOnce(deps.register as never, registerId, fields))) {
    const entry = await deps.register.findOne({ _id: registerId });
    if (!entry) throw notAProxy();
    if (entry.castBy !== 'proxy') throw principalVoted();
    if (!entry.commitment || !sameDigest(entry.commitment, commitment)) throw ballotSecretInvalid();
    changed = true;
  }
  const openMode = transition.rules!.ballotMode === 'open';
  await deps.ballots.updateOne(
    { _id: boxId },
    { $set: { choice, proposalId: id, proxyTag, ...(openMode && { voterId: principalId }) } },
    { upsert: true },
  );
  await deps.mandates.updateOne(
    { _id: registerId },
    { $set: { sealedReceipt: deps.proxyKeys.sealReceipt(id, principalId, receipt) } },
  );
  // Re-read after writing: if the principal voted or revoked meanwhile, this ballot undoes itself.
  const [entry, stillMandated] = await Promise.all([
    deps.register.findOne({ _id: registerId }),
    mandatedPrincipal(deps, id, proxyId),
  ]);
  const ours = entry?.castBy === 'proxy' && entry.commitment !== undefined && sameDigest(entry.commitment, commitment);
  if (!ours || stillMandated !== principalId) {
    await deps.ballots.deleteOne({ _id: boxId, proxyTag });
    if (ours) await voidProxyBallot(deps, id, principalId);
    throw ours ? notAProxy() : principalVoted();
  }
  return { proposalId: id, receipt, choice, changed, principalId };
}

/** The principal whose mandate this proxy holds on the proposal, when both sides stand and none is revoked. */
async function mandatedPrincipal(
  deps: Pick<AssemblyStores, 'mandates'>,
  id: string,
  proxyId: string,
): Promise<string | null> {
  const side = await deps.mandates.findOne({ _id: `${id}:${proxyId}` });
  if (side?.role !== 'proxy') return null;
  const principal = await deps.mandates.findOne({ _id: `${id}:${side.partnerId}` });
  if (principal?.role !== 'principal' || principal.partnerId !== proxyId || principal.revokedAt) return null;
  return side.partnerId;
}
