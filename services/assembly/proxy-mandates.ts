// Naming, revoking and reading a proxy mandate for one proposal (Art. 886 CO; rules in policies/assembly/proxies.ts).
import { ballotRefusalReason } from '../../policies/assembly/eligibility.js';
import { validateBallotTiming } from '../../policies/assembly/proposal-lifecycle.js';
import { namingRefusal, proxyRulesOf, type MandateSide } from '../../policies/assembly/proxies.js';
import { claimOnce } from '../db/claims.js';
import { AppError, Conflict, Forbidden, NotFound } from '../errors.js';
import type { AssemblyStores, MandateDocument, TransitionDocument } from './assembly.model.js';
import { bylawsVersions } from './bylaws-versions.js';
import { loadMembership } from './electorate.js';
import { timelineOf } from './proposal-view.js';
import { describe, refuseUnless } from './refusals.js';

export type MandateStores = Pick<
  AssemblyStores,
  'transitions' | 'mandates' | 'register' | 'ballots' | 'roll' | 'audit' | 'proxyKeys' | 'bylaws' | 'outcomes' | 'log'
>;

/** What a member sees of their mandates on one proposal. */
export interface MandateView {
  proposalId: string;
  /** The proxy you named, whether they have voted for you (and the receipt), unless your own ballot replaced it. */
  asPrincipal: { proxyId: string; namedAt: Date; votedByProxy: boolean; receipt: string | null } | null;
  /** The member you represent, and whether your ballot for them stands. */
  asProxy: { principalId: string; namedAt: Date; voted: boolean } | null;
}

const mandateId = (proposalId: string, userId: string) => `${proposalId}:${userId}`;

/** A principal names a proxy (`proxyId` null: the e-mail named nobody), while the vote is open. */
export async function nameProxy(
  deps: MandateStores,
  proposalId: string,
  principalId: string,
  proxyId: string | null,
  now: Date,
): Promise<MandateView> {
  const transition = await openVote(deps, proposalId, now);
  const bylaws = await frozenBylaws(deps, transition, now);
  if (!proxyRulesOf(bylaws).allowed) throw new Conflict('proxies_not_allowed', 'The bylaws do not allow proxies.');
  await refuseIneligibleVoter(deps, principalId, transition, now);
  if (proxyId === principalId) throw refusedOn(400, 'proxy_is_self', 'You cannot name yourself.');
  // One answer for an unknown address, an account holder, a researcher or a member outside the electorate: the
  // form must not tell a member who else is a member.
  if (!proxyId || !(await isVoterNow(deps, proxyId, transition, now))) {
    throw refusedOn(409, 'proxy_not_eligible', 'That address is not a member who may vote on this proposal.');
  }
  const own = await deps.register.findOne({ _id: mandateId(proposalId, principalId) });
  if (own && own.castBy !== 'proxy')
    throw new Conflict('already_voted', 'You have voted yourself; your ballot counts.');

  await clearRevoked(deps, proposalId, principalId);
  await clearRevoked(deps, proposalId, proxyId);
  const fields = { proposalId, namedAt: now };
  const principalSide = { ...fields, userId: principalId, role: 'principal' as const, partnerId: proxyId };
  const fresh = await claimOnce(deps.mandates as never, mandateId(proposalId, principalId), principalSide);
  // Not fresh: refused unless it is this same mandate again (a retry, perhaps of a request that died half-way).
  if (!fresh) refuseNaming(principalId, proxyId, await sideOf(deps, proposalId, principalId), null, bylaws);
  const proxySide = { ...fields, userId: proxyId, role: 'proxy' as const, partnerId: principalId };
  if (!(await claimOnce(deps.mandates as never, mandateId(proposalId, proxyId), proxySide))) {
    const proxyHolds = await sideOf(deps, proposalId, proxyId);
    if (!fresh && proxyHolds?.role === 'proxy' && proxyHolds.partnerId === principalId) {
      return mandateView(deps, proposalId, principalId); // the same mandate, complete: a safe retry
    }
    await deps.mandates.deleteOne({ _id: mandateId(proposalId, principalId), partnerId: proxyId });
    refuseNaming(principalId, proxyId, null, proxyHolds, bylaws);
    throw refusedOn(409, 'proxy_already_representing', namingMessages.proxy_already_representing!);
  }
  await deps.audit.append('proxy.named', principalId, { proposalId, memberId: principalId, proxyId }, now);
  return mandateView(deps, proposalId, principalId);
}

/** The principal revokes their mandate until the vote closes; a ballot the proxy cast for them is voided. */
export async function revokeProxy(
  deps: MandateStores,
  proposalId: string,
  principalId: string,
  now: Date,
): Promise<MandateView> {
  await openVote(deps, proposalId, now);
  const side = await deps.mandates.findOne({ _id: mandateId(proposalId, principalId) });
  if (side?.role !== 'principal' || side.revokedAt) {
    throw new Conflict('no_proxy_named', 'You have not named a proxy for this proposal.');
  }
  // Mark first: a proxy ballot racing this revocation reads the mark after its write and undoes itself.
  await deps.mandates.updateOne({ _id: side._id }, { $set: { revokedAt: now } });
  await finishRevocation(deps, proposalId, principalId, side.partnerId);
  await deps.audit.append('proxy.revoked', principalId, { proposalId, memberId: principalId }, now);
  return mandateView(deps, proposalId, principalId);
}

/** The caller's mandates on one opened proposal; a draft answers like a missing proposal (stewards' working copy). */
export async function mandatesOn(deps: MandateStores, proposalId: string, userId: string): Promise<MandateView> {
  const transition = await deps.transitions.findOne({ _id: proposalId }, { projection: { openedAt: 1 } });
  if (!transition?.openedAt) throw new NotFound();
  return mandateView(deps, proposalId, userId);
}

/** The caller's mandates on one proposal (as principal and as proxy). */
export async function mandateView(deps: MandateStores, proposalId: string, userId: string): Promise<MandateView> {
  const side = await deps.mandates.findOne({ _id: mandateId(proposalId, userId) });
  if (!side || side.revokedAt) return { proposalId, asPrincipal: null, asProxy: null };
  if (side.role === 'principal') {
    const entry = await deps.register.findOne({ _id: mandateId(proposalId, userId) });
    const votedByProxy = entry?.castBy === 'proxy';
    const receipt =
      votedByProxy && side.sealedReceipt
        ? deps.proxyKeys.openReceipt(proposalId, userId, bytes(side.sealedReceipt))
        : null;
    return {
      proposalId,
      asPrincipal: { proxyId: side.partnerId, namedAt: side.namedAt, votedByProxy, receipt },
      asProxy: null,
    };
  }
  const principalSide = await deps.mandates.findOne({ _id: mandateId(proposalId, side.partnerId) });
  if (!principalSide || principalSide.revokedAt || principalSide.partnerId !== userId) {
    return { proposalId, asPrincipal: null, asProxy: null };
  }
  const entry = await deps.register.findOne({ _id: mandateId(proposalId, side.partnerId) });
  return {
    proposalId,
    asPrincipal: null,
    asProxy: { principalId: side.partnerId, namedAt: side.namedAt, voted: entry?.castBy === 'proxy' },
  };
}

/**
 * Deletes a ballot the proxy cast for this principal, and its register entry; safe to repeat. `keepBoxId`: the
 * principal's own box entry, never deleted (it carries no tag; named for clarity), after which the register entry
 * is the principal's and stays.
 */
export async function voidProxyBallot(
  deps: Pick<AssemblyStores, 'ballots' | 'register' | 'proxyKeys'>,
  proposalId: string,
  principalId: string,
  keepBoxId?: string,
): Promise<void> {
  const proxyTag = deps.proxyKeys.ballotTag(proposalId, principalId);
  await deps.ballots.deleteMany({ proposalId, proxyTag, ...(keepBoxId && { _id: { $ne: keepBoxId } }) });
  if (!keepBoxId) await deps.register.deleteOne({ _id: mandateId(proposalId, principalId), castBy: 'proxy' });
}

/** The opened proposal, refused unless ballots are accepted now (the same clock rule as ballots). */
export async function openVote(
  deps: Pick<AssemblyStores, 'transitions'>,
  proposalId: string,
  now: Date,
): Promise<TransitionDocument> {
  const transition = await deps.transitions.findOne({ _id: proposalId });
  if (!transition?.openedAt) throw new NotFound();
  refuseUnless(validateBallotTiming(timelineOf({ transition, outcome: null }), now), Conflict);
  return transition;
}

/** Refuses (403 with the eligibility reason) a member who may not vote on this proposal now. */
export async function refuseIneligibleVoter(
  deps: Pick<AssemblyStores, 'roll'>,
  userId: string,
  transition: TransitionDocument,
  now: Date,
): Promise<void> {
  const membership = await loadMembership(deps.roll, userId);
  if (!membership) throw new Forbidden('not_a_member', 'Only members vote.');
  const refusal = ballotRefusalReason(membership, transition.openedAt!, now);
  if (refusal) throw new Forbidden(refusal, describe(refusal));
}

async function isVoterNow(
  deps: Pick<AssemblyStores, 'roll'>,
  userId: string,
  transition: TransitionDocument,
  now: Date,
) {
  const membership = await loadMembership(deps.roll, userId);
  return membership !== null && ballotRefusalReason(membership, transition.openedAt!, now) === null;
}

async function frozenBylaws(deps: MandateStores, transition: TransitionDocument, now: Date) {
  const versions = await bylawsVersions(deps, now);
  return (versions.find((v) => v.bylaws.version === transition.bylawsVersion) ?? versions[0]!).bylaws;
}

async function sideOf(deps: MandateStores, proposalId: string, userId: string): Promise<MandateSide | null> {
  const doc = await deps.mandates.findOne({ _id: mandateId(proposalId, userId) });
  return doc && { role: doc.role, partnerId: doc.partnerId, revoked: Boolean(doc.revokedAt) };
}

function refuseNaming(
  principalId: string,
  proxyId: string,
  principalHolds: MandateSide | null,
  proxyHolds: MandateSide | null,
  bylaws: Parameters<typeof proxyRulesOf>[0],
): void {
  const refusal = namingRefusal(proxyRulesOf(bylaws), principalId, proxyId, principalHolds, proxyHolds);
  if (refusal) throw refusedOn(409, refusal, namingMessages[refusal]!);
}

const namingMessages: Record<string, string> = {
  proxies_not_allowed: 'The bylaws do not allow proxies.',
  proxy_is_self: 'You cannot name yourself.',
  proxy_already_named: 'You have already named a proxy for this proposal; revoke it first.',
  proxy_chain: 'A proxy cannot name a proxy, and a member who named a proxy cannot represent anyone.',
  proxy_already_representing: 'That member already represents another member on this proposal.',
};

/** A refusal about the named proxy, with the field the member filled in. */
function refusedOn(status: 400 | 409, code: string, message: string): AppError {
  return new AppError(status, code, message, [{ field: 'proxyEmail', code, message }]);
}

/** A revoked mandate left half-cleaned by an interrupted revocation is finished before anything new is named. */
async function clearRevoked(deps: MandateStores, proposalId: string, userId: string): Promise<void> {
  const side = await deps.mandates.findOne({ _id: mandateId(proposalId, userId) });
  if (!side) return;
  const principalSide =
    side.role === 'principal' ? side : await deps.mandates.findOne({ _id: mandateId(proposalId, side.partnerId) });
  const stale = !principalSide || principalSide.partnerId !== (side.role === 'principal' ? side.partnerId : userId);
  if (principalSide?.revokedAt) await finishRevocation(deps, proposalId, principalSide.userId, principalSide.partnerId);
  // A proxy side whose principal side is gone (a naming that lost a race and was rolled back) holds nothing.
  else if (stale && side.role === 'proxy') await deps.mandates.deleteOne({ _id: side._id });
}

async function finishRevocation(deps: MandateStores, proposalId: string, principalId: string, proxyId: string) {
  await voidProxyBallot(deps, proposalId, principalId);
  await deps.mandates.deleteOne({ _id: mandateId(proposalId, proxyId), partnerId: principalId });
  await deps.mandates.deleteOne({ _id: mandateId(proposalId, principalId), revokedAt: { $exists: true } });
}

/** Driver reads return a Binary for a stored Buffer. */
function bytes(value: MandateDocument['sealedReceipt']): Buffer {
  const raw = value as unknown as Buffer | { buffer: Uint8Array };
  return Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer);
}
