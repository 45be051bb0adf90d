// The general assembly's use cases: drafts, opening, ballots, finalisation, results, bylaws versions.
// Every rule comes from policies/; this file only stores, reads and decides races by unique inserts.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Connection, Model } from 'mongoose';
import type { Logger } from 'pino';
import {
  ballotListDigest,
  type BallotChoice,
  isHex32,
  mayPublishParticipationList,
  type PublishedBallot,
  receiptFromSecret,
  sortBallotList,
  tallyFromBallotList,
} from '../../policies/ballot-receipts.js';
import { applyAmendment, bylawsInForce, parseBylawsAmendment } from '../../policies/bylaws-amendment.js';
import {
  type Bylaws,
  currentBylaws,
  InvalidBylawsError,
  parseBylaws,
  type ProposalKind,
} from '../../policies/bylaws.js';
import { contentDigest } from '../../policies/canonical-digest.js';
import { ballotRefusalReason, electorateSize } from '../../policies/eligibility.js';
import {
  isReminderDue,
  type ProposalStatus,
  type ProposalTimeline,
  proposalStatus,
  validateBallotTiming,
  validateDeadlineExtension,
  validateEdit,
  validateOpening,
  validateVotingWindow,
  validateWithdrawal,
} from '../../policies/proposal-lifecycle.js';
import { rulesDigest, rulesForProposal } from '../../policies/proposal-rules.js';
import { tallyVotes } from '../../policies/tally.js';
import { claimOnce } from '../db/claims.js';
import { isDuplicateKey } from '../db/connection.js';
import { Conflict, Forbidden, InvalidRequest, NotFound } from '../errors.js';
import { userModel, type UserDocument } from '../members/user.model.js';
import {
  type AssemblyCollections,
  assemblyCollections,
  ensureAssemblyIndexes,
  type OutcomeDocument,
  type ProposalContent,
  type ProposalDocument,
  type TransitionDocument,
} from './assembly.model.js';
import { commitmentFromSecret, sameDigest } from './ballot-secret.js';
import { loadMembership, loadMemberships, membershipRecord } from './electorate.js';

/**
 * Finalisation waits this long after closesAt. Ballots are refused from closesAt on, but a ballot request that
 * passed the clock check just before closesAt may still be writing; and instances' clocks may differ by a few
 * seconds. A minute covers both, so the ballot box is settled when it is counted.
 */
export const FINALISATION_GRACE_MS = 60_000;

/** How long an instance reuses a proposal's opening on the ballot path (see Assembly.openingOf). */
const OPENING_CACHE_MS = 1_000;

/** Target key of amendments: one amendment of the bylaws is under vote at a time. */
const BYLAWS_TARGET = 'bylaws';

export interface DraftInput {
  kind: ProposalKind;
  title: string;
  summary: string;
  targetPolicyId?: string;
  policy?: Record<string, unknown>;
  amendment?: Record<string, unknown>;
}

export type DraftPatch = Partial<Pick<DraftInput, 'title' | 'summary' | 'policy' | 'amendment'>>;

export type Viewer = 'steward' | 'member' | 'researcher';

/** Who casts a ballot: the member, with the membership record read when they were authenticated, if any. */
export interface Voter {
  userId: string;
  membership?: UserDocument['membership'];
}

/** A proposal with what its status is derived from, as read at one instant. */
export interface ProposalView {
  proposal: ProposalDocument;
  transition: TransitionDocument | null;
  outcome: OutcomeDocument | null;
  status: ProposalStatus;
  /** Who has voted so far (never how); present once the proposal has opened. */
  turnout: number | null;
}

export interface BallotReceipt {
  proposalId: string;
  receipt: string;
  choice: BallotChoice;
  /** True when this replaced the member's earlier ballot. */
  changed: boolean;
}

export interface PublishedResults {
  view: ProposalView;
  /** When the outcome will be (or was) counted: closesAt plus the grace period. */
  finalisesAt: Date | null;
  ballots: (PublishedBallot & { voter?: string })[] | null;
  participation: string[] | null;
}

export interface PendingVote {
  view: ProposalView;
  reminderDue: boolean;
}

export interface ReminderSummary {
  proposalId: string;
  due: boolean;
  remindFrom: Date;
  closesAt: Date;
  /** Members of the electorate who may still vote and have not. Never who voted what. */
  membersToRemind: number;
}

export interface BylawsVersionInfo {
  bylaws: Bylaws;
  digest: string;
  adoptedByProposal: string | null;
}

const ballotSecretInvalid = () =>
  new Forbidden('ballot_secret_invalid', 'The ballot secret is missing or does not match your ballot.');

/** The assembly's use cases over its collections and the users' membership records. */
export class Assembly {
  private readonly db: AssemblyCollections;
  private readonly users: Model<UserDocument>;
  private readonly openings = new Map<string, { transition: TransitionDocument; readAt: number; until: number }>();

  constructor(
    private readonly deps: {
      connection: Connection;
      log?: Logger;
      /** Proposal events go to the audit log (drafted, opened, withdrawn, extended, finalised). */
      audit?: { append(type: string, actor: string, data: Record<string, unknown>, now: Date): Promise<number> };
    },
  ) {
    this.db = assemblyCollections(deps.connection);
    this.users = userModel(deps.connection);
  }

  /** Creates the indexes the race-free decisions depend on; run once at start-up. */
  async ensureIndexes(): Promise<void> {
    await ensureAssemblyIndexes(this.db);
  }

  // ---- bylaws ---------------------------------------------------------------------------------------------

  /** Every bylaws version (founding first), after adopting any amendment whose vote is over. */
  async bylawsVersions(now: Date): Promise<BylawsVersionInfo[]> {
    await this.adoptDueAmendments(now);
    const stored = await this.db.bylaws.find({}).sort({ version: 1 }).toArray();
    return [
      { bylaws: currentBylaws, digest: contentDigest(currentBylaws), adoptedByProposal: null },
      ...stored.map((doc) => {
        const bylaws = parseBylaws(doc.bylaws);
        return { bylaws, digest: contentDigest(bylaws), adoptedByProposal: doc._id };
      }),
    ];
  }

  /** The bylaws governing a proposal opened now. */
  async bylawsInForce(now: Date): Promise<BylawsVersionInfo> {
    const versions = await this.bylawsVersions(now);
    const inForce = bylawsInForce(
      versions.map((v) => v.bylaws),
      now,
    );
    return versions.find((v) => v.bylaws.version === inForce.version)!;
  }

  // ---- drafts ---------------------------------------------------------------------------------------------

  /** A steward drafts a proposal; an amendment is checked against the bylaws in force now. */
  async createDraft(input: DraftInput, stewardId: string, now: Date): Promise<ProposalView> {
    const content = await this.checkContent(input.kind, input, now);
    const proposal: ProposalDocument = {
      _id: randomUUID(),
      kind: input.kind,
      targetPolicyId: this.targetOf(input),
      content,
      createdBy: stewardId,
      createdAt: now,
      updatedAt: now,
    };
    await this.db.proposals.insertOne(proposal);
    await this.audited('proposal.drafted', stewardId, { proposalId: proposal._id, kind: proposal.kind }, now);
    return { proposal, transition: null, outcome: null, status: 'draft', turnout: null };
  }

  /** Changes a draft's text or content; refused once the proposal has opened or been withdrawn. */
  async editDraft(id: string, patch: DraftPatch, now: Date): Promise<ProposalView> {
    const view = await this.view(id, now);
    refuseUnless(validateEdit(timelineOf(view), now), Conflict);
    const content = await this.checkContent(view.proposal.kind, { ...view.proposal.content, ...patch }, now);
    await this.db.proposals.updateOne({ _id: id }, { $set: { content, updatedAt: now } });
    // Opening freezes its own copy of the content, so an edit racing an opening can never change the vote.
    return this.view(id, now);
  }

  /** Withdraws a draft: the one transition out of draft, so it excludes a concurrent opening. */
  async withdraw(id: string, stewardId: string, now: Date): Promise<ProposalView> {
    const view = await this.view(id, now);
    refuseUnless(validateWithdrawal(timelineOf(view), now), Conflict);
    const inserted = await claimOnce(this.db.transitions as never, id, {
      kind: view.proposal.kind,
      // Unique per proposal: a withdrawal occupies no target.
      targetKey: `withdrawn:${id}`,
      targetGeneration: 0,
      withdrawnAt: now,
      actorId: stewardId,
    });
    if (!inserted) throw new Conflict('proposal_not_draft', 'The proposal is no longer a draft.');
    await this.audited('proposal.withdrawn', stewardId, { proposalId: id }, now);
    return this.view(id, now);
  }

  // ---- opening and deadline -------------------------------------------------------------------------------

  /** Opens the vote: freezes content, rules and bylaws version with their digests, and fixes the electorate. */
  async open(id: string, closesAt: Date, stewardId: string, now: Date): Promise<ProposalView> {
    const view = await this.view(id, now);
    refuseUnless(validateOpening(timelineOf(view), now), Conflict);
    const { proposal } = view;
    const inForce = await this.bylawsInForce(now);
    const rules = rulesForProposal(inForce.bylaws, proposal.kind);
    refuseUnless(validateVotingWindow(rules, now, closesAt), InvalidRequest);
    // The amendment must still make valid bylaws against the version it will be voted under.
    const content = await this.checkContent(proposal.kind, proposal.content, now);

    const latest = await this.db.transitions
      .find({ targetKey: proposal.targetPolicyId })
      .sort({ targetGeneration: -1 })
      .limit(1)
      .toArray();
    const holder = latest[0];
    if (holder && proposalStatus(timelineOf({ transition: holder, outcome: null }), now) === 'open') {
      throw targetUnderVote();
    }
    const memberships = await loadMemberships(this.users);
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
      await this.db.transitions.insertOne(transition);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // Either this proposal left draft meanwhile, or another proposal took the target first.
      if (await this.db.transitions.findOne({ _id: id }, { projection: { _id: 1 } })) {
        throw new Conflict('proposal_not_draft', 'The proposal is no longer a draft.');
      }
      throw targetUnderVote();
    }
    await this.audited(
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
    return this.view(id, now);
  }

  /** Moves the deadline later (never earlier), within the frozen maximum window. */
  async extend(id: string, closesAt: Date, now: Date): Promise<ProposalView> {
    const view = await this.view(id, now);
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
    if (!(await claimOnce(this.db.claims, `extend:${id}:${previous}`, { at: now }))) {
      throw new Conflict('concurrent_update', 'The deadline changed meanwhile; reload and try again.');
    }
    await this.db.transitions.updateOne({ _id: id }, { $set: { closesAt } });
    await this.audited('proposal.extended', 'steward', { proposalId: id, closesAt: closesAt.toISOString() }, now);
    this.openings.delete(id);
    return this.view(id, now);
  }

  // ---- reading --------------------------------------------------------------------------------------------

  /** One proposal with its status at `now`, finalising it first if its vote is over. */
  async get(id: string, now: Date, viewer: Viewer): Promise<ProposalView> {
    const view = await this.view(id, now);
    if (!mayView(view, viewer)) throw new NotFound();
    return view;
  }

  /** Proposals by status group, newest first; drafts and withdrawn ones are shown to stewards only. */
  async list(filter: 'open' | 'closed' | 'draft' | 'all', now: Date, viewer: Viewer): Promise<ProposalView[]> {
    const proposals = await this.db.proposals.find({}).sort({ createdAt: -1 }).limit(500).toArray();
    const ids = proposals.map((p) => p._id);
    const [transitions, outcomes] = await Promise.all([
      this.db.transitions.find({ _id: { $in: ids } }).toArray(),
      this.db.outcomes.find({ _id: { $in: ids } }).toArray(),
    ]);
    const transitionById = new Map(transitions.map((t) => [t._id, t]));
    const outcomeById = new Map(outcomes.map((o) => [o._id, o]));
    const views: ProposalView[] = [];
    for (const proposal of proposals) {
      const transition = transitionById.get(proposal._id) ?? null;
      let outcome = outcomeById.get(proposal._id) ?? null;
      if (transition && !outcome) outcome = await this.finaliseIfDue(transition, now);
      const view = await this.complete({ proposal, transition, outcome }, now);
      if (mayView(view, viewer) && inGroup(view.status, filter)) views.push(view);
    }
    return views;
  }

  /**
   * Opened access-policy and revoke-policy proposals (on one policy id, or all), each with its outcome once the
   * vote is over (finalising due ones first). The research service derives approved policies from these.
   */
  async policyVotes(
    now: Date,
    policyId?: string,
  ): Promise<{ transition: TransitionDocument; outcome: OutcomeDocument | null }[]> {
    const kinds: ProposalKind[] = ['access-policy', 'revoke-policy'];
    const filter = policyId === undefined ? { kind: { $in: kinds } } : { targetKey: policyId };
    const transitions = (await this.db.transitions.find(filter).toArray()).filter(
      (t) => t.openedAt && kinds.includes(t.kind),
    );
    const outcomes = await this.db.outcomes.find({ _id: { $in: transitions.map((t) => t._id) } }).toArray();
    const byId = new Map(outcomes.map((o) => [o._id, o]));
    return Promise.all(
      transitions.map(async (transition) => ({
        transition,
        outcome: byId.get(transition._id) ?? (await this.finaliseIfDue(transition, now)),
      })),
    );
  }

  // ---- ballots --------------------------------------------------------------------------------------------

  /**
   * Casts or changes a member's ballot. Secret mode: the first ballot claims the member's register entry (with a
   * commitment to the secret) and then inserts (receipt, choice) in the box; a change presents the same secret,
   * which must match the commitment, and replaces the choice under the same receipt.
   */
  async castBallot(
    id: string,
    voter: Voter,
    choice: BallotChoice,
    secret: string | undefined,
    now: Date,
  ): Promise<BallotReceipt> {
    const { userId } = voter;
    const transition = await this.openingOf(id, now);
    if (!transition) {
      if (!(await this.db.proposals.findOne({ _id: id }, { projection: { _id: 1 } }))) throw new NotFound();
      throw new Conflict('proposal_not_open', describe('proposal_not_open'));
    }
    // An outcome exists only after closesAt plus the grace period, so the clock alone decides here.
    refuseUnless(validateBallotTiming(timelineOf({ transition, outcome: null }), now), Conflict);
    // The signed-in actor carries the membership read with this request (an active account); else read it.
    const membership = voter.membership
      ? membershipRecord({ _id: userId, role: 'member', status: 'active', membership: voter.membership })
      : await loadMembership(this.users, userId);
    if (!membership) throw new Forbidden('not_a_member', 'Only members vote.');
    const refusal = ballotRefusalReason(membership, transition.openedAt!, now);
    if (refusal) throw new Forbidden(refusal, describe(refusal));

    const registerId = `${id}:${userId}`;
    if (transition.rules!.ballotMode === 'open') return this.castOpenBallot(id, userId, registerId, choice, secret);

    if (secret === undefined || !isHex32(secret)) throw ballotSecretInvalid();
    const receipt = receiptFromSecret(secret);
    const commitment = commitmentFromSecret(id, secret);
    const boxId = `${id}:${receipt}`;
    if (await claimOnce(this.db.register as never, registerId, { proposalId: id, userId, commitment })) {
      try {
        await this.db.ballots.insertOne({ _id: boxId, proposalId: id, choice });
        return { proposalId: id, receipt, choice, changed: false };
      } catch (error) {
        // The same secret was presented concurrently by this member's other request: the last choice counts.
        if (!isDuplicateKey(error)) throw error;
      }
    } else {
      const entry = await this.db.register.findOne({ _id: registerId });
      if (!entry?.commitment || !sameDigest(entry.commitment, commitment)) throw ballotSecretInvalid();
    }
    // Replace the choice, or insert it if a failure after the register claim left the box entry missing.
    await this.db.ballots.updateOne({ _id: boxId }, { $set: { choice, proposalId: id } }, { upsert: true });
    return { proposalId: id, receipt, choice, changed: true };
  }

  /**
   * The opening of a proposal, for the ballot path, cached for a second per instance. The opening never changes
   * except its deadline, which only moves later: a stale copy can refuse a ballot just after an extension (the
   * member retries), never accept a late one.
   */
  private async openingOf(id: string, now: Date): Promise<TransitionDocument | null> {
    const cached = this.openings.get(id);
    if (cached && cached.until > now.getTime() && cached.readAt <= now.getTime()) return cached.transition;
    const transition = await this.db.transitions.findOne({ _id: id });
    if (transition?.openedAt) {
      if (this.openings.size > 1_000) this.openings.clear();
      this.openings.set(id, { transition, readAt: now.getTime(), until: now.getTime() + OPENING_CACHE_MS });
    }
    return transition;
  }

  private async castOpenBallot(
    id: string,
    userId: string,
    registerId: string,
    choice: BallotChoice,
    secret: string | undefined,
  ): Promise<BallotReceipt> {
    if (secret !== undefined && !isHex32(secret)) throw ballotSecretInvalid();
    // Open mode links member and ballot by design; the receipt only names the ballot in the published list.
    const fresh = secret ? receiptFromSecret(secret) : randomBytes(32).toString('hex');
    const claimed = await claimOnce(this.db.register as never, registerId, {
      proposalId: id,
      userId,
      receipt: fresh,
    });
    const receipt = claimed ? fresh : ((await this.db.register.findOne({ _id: registerId }))?.receipt ?? fresh);
    await this.db.ballots.updateOne(
      { _id: `${id}:${receipt}` },
      { $set: { choice, proposalId: id, voterId: userId } },
      { upsert: true },
    );
    return { proposalId: id, receipt, choice, changed: !claimed };
  }

  /** Open proposals the member may vote on and has not yet, soonest deadline first. */
  async pendingVotes(userId: string, now: Date): Promise<PendingVote[]> {
    const membership = await loadMembership(this.users, userId);
    if (!membership) return [];
    const open = await this.db.transitions.find({ closesAt: { $gt: now } }).toArray();
    const eligible = open.filter((t) => ballotRefusalReason(membership, t.openedAt!, now) === null);
    if (eligible.length === 0) return [];
    const voted = await this.db.register
      .find({ _id: { $in: eligible.map((t) => `${t._id}:${userId}`) } }, { projection: { proposalId: 1 } })
      .toArray();
    const votedIds = new Set(voted.map((entry) => entry.proposalId));
    const pending = eligible.filter((t) => !votedIds.has(t._id));
    const proposals = await this.db.proposals.find({ _id: { $in: pending.map((t) => t._id) } }).toArray();
    const byId = new Map(proposals.map((p) => [p._id, p]));
    const result: PendingVote[] = [];
    for (const transition of pending.sort((a, b) => a.closesAt!.getTime() - b.closesAt!.getTime())) {
      const proposal = byId.get(transition._id);
      if (!proposal) continue;
      const view = await this.complete({ proposal, transition, outcome: null }, now);
      result.push({ view, reminderDue: isReminderDue(timelineOf(view), transition.rules!.reminderLeadHours, now) });
    }
    return result;
  }

  /** How many members a notifier should remind about this proposal now (eligible, not voted, deadline near). */
  async reminders(id: string, now: Date): Promise<ReminderSummary> {
    const view = await this.view(id, now);
    const transition = view.transition;
    if (view.status !== 'open' || !transition?.rules) {
      throw new Conflict('proposal_not_open', describe('proposal_not_open'));
    }
    const closesAt = transition.closesAt!;
    const remindFrom = new Date(closesAt.getTime() - transition.rules.reminderLeadHours * 3_600_000);
    const due = isReminderDue(timelineOf(view), transition.rules.reminderLeadHours, now);
    const membersToRemind = due ? (await this.membersToRemind(id, now)).length : 0;
    return { proposalId: id, due, remindFrom, closesAt, membersToRemind };
  }

  /** Ids of the members to remind (for an in-process notifier; not served over HTTP, see docs/assembly.md). */
  async membersToRemind(id: string, now: Date): Promise<string[]> {
    const transition = await this.db.transitions.findOne({ _id: id });
    if (!transition?.openedAt || !transition.rules) return [];
    if (!isReminderDue(timelineOf({ transition, outcome: null }), transition.rules.reminderLeadHours, now)) return [];
    const [memberships, voted] = await Promise.all([
      loadMemberships(this.users),
      this.db.register.find({ proposalId: id }, { projection: { userId: 1 } }).toArray(),
    ]);
    const votedIds = new Set(voted.map((entry) => entry.userId));
    return memberships
      .filter((m) => !votedIds.has(m.id) && ballotRefusalReason(m.record, transition.openedAt!, now) === null)
      .map((m) => m.id);
  }

  // ---- closing --------------------------------------------------------------------------------------------

  /**
   * Results: while open only the turnout; after close and the grace period, the outcome, totals, the ballot
   * list sorted by receipt and its digest, and the participation list when enough members voted.
   */
  async results(id: string, now: Date, viewer: Viewer): Promise<PublishedResults> {
    const view = await this.get(id, now, viewer);
    const transition = view.transition;
    if (!transition?.openedAt) throw new Conflict('proposal_not_open', describe('proposal_not_open'));
    const finalisesAt = new Date(transition.closesAt!.getTime() + FINALISATION_GRACE_MS);
    if (!view.outcome) return { view, finalisesAt, ballots: null, participation: null };
    const boxed = await this.ballotList(id);
    // Open mode publishes who voted what; in secret mode no entry has a voter.
    const voters = new Map(boxed.map((entry) => [entry.receipt, entry.voter]));
    const ballots = sortBallotList(boxed).map(({ receipt, choice }) => {
      const voter = voters.get(receipt);
      return voter ? { receipt, choice, voter } : { receipt, choice };
    });
    let participation: string[] | null = null;
    const register = await this.db.register.find({ proposalId: id }, { projection: { userId: 1 } }).toArray();
    const publishable = mayPublishParticipationList(register.length, {
      participationListMinVoters:
        transition.participationListMinVoters ?? currentBylaws.publication.participationListMinVoters,
    });
    // Researchers see outcomes and ballots, never which members took part.
    if (publishable && viewer !== 'researcher') participation = register.map((entry) => entry.userId).sort();
    return { view, finalisesAt, ballots, participation };
  }

  /** Writes the outcome if the vote is over (idempotent; any instance may call it at any time). */
  async finalise(id: string, now: Date): Promise<OutcomeDocument | null> {
    const transition = await this.db.transitions.findOne({ _id: id });
    if (!transition?.openedAt) return null;
    return this.finaliseIfDue(transition, now);
  }

  private async finaliseIfDue(transition: TransitionDocument, now: Date): Promise<OutcomeDocument | null> {
    if (!transition.openedAt || now.getTime() < transition.closesAt!.getTime() + FINALISATION_GRACE_MS) {
      return null;
    }
    if (transition.kind === 'amend-bylaws') {
      // Amendments are adopted strictly in the order their votes closed.
      await this.adoptDueAmendments(now);
      return this.db.outcomes.findOne({ _id: transition._id });
    }
    return this.writeOutcome(transition, now);
  }

  /** Counts the box and inserts the outcome under the proposal's id; a second instance reads the first's. */
  private async writeOutcome(transition: TransitionDocument, now: Date): Promise<OutcomeDocument> {
    const existing = await this.db.outcomes.findOne({ _id: transition._id });
    if (existing) return existing;
    const list = await this.ballotList(transition._id);
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
      await this.db.outcomes.insertOne(outcome);
      await this.audited(
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
      return (await this.db.outcomes.findOne({ _id: transition._id }))!;
    }
  }

  /** Finalises every amendment whose vote is over, oldest first, and adopts the approved ones as new versions. */
  private async adoptDueAmendments(now: Date): Promise<void> {
    const due = await this.db.transitions
      .find({ kind: 'amend-bylaws', closesAt: { $lte: new Date(now.getTime() - FINALISATION_GRACE_MS) } })
      .sort({ closesAt: 1 })
      .toArray();
    for (const transition of due) {
      const outcome = await this.writeOutcome(transition, now);
      if (outcome.outcome === 'approved') await this.adopt(transition);
    }
  }

  /** Inserts the bylaws version an approved amendment produces; it governs proposals opened from its adoption. */
  private async adopt(transition: TransitionDocument): Promise<void> {
    // Adopted when the count becomes final, so no proposal opened before that instant falls under it.
    const adoptedAt = transition.closesAt!.getTime() + FINALISATION_GRACE_MS;
    for (let attempt = 0; attempt < 5; attempt++) {
      if (await this.db.bylaws.findOne({ _id: transition._id }, { projection: { _id: 1 } })) return;
      const stored = await this.db.bylaws.find({}).sort({ version: -1 }).limit(1).toArray();
      const latest = stored[0] ? parseBylaws(stored[0].bylaws) : currentBylaws;
      let next: Bylaws;
      try {
        next = applyAmendment(latest, transition.content!.amendment as never, adoptedAt);
      } catch (error) {
        if (!(error instanceof InvalidBylawsError)) throw error;
        this.deps.log?.error(
          { proposalId: transition._id, problems: error.problems },
          'approved amendment not applicable',
        );
        return;
      }
      try {
        await this.db.bylaws.insertOne({
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

  private async ballotList(id: string): Promise<(PublishedBallot & { voter?: string })[]> {
    const entries = await this.db.ballots.find({ proposalId: id }).toArray();
    const prefix = `${id}:`;
    return entries.map((entry) => ({
      receipt: entry._id.slice(prefix.length),
      choice: entry.choice,
      ...(entry.voterId && { voter: entry.voterId }),
    }));
  }

  // ---- helpers --------------------------------------------------------------------------------------------

  private async audited(type: string, actor: string, data: Record<string, unknown>, now: Date): Promise<void> {
    await this.deps.audit?.append(type, actor, data, now);
  }

  private async view(id: string, now: Date): Promise<ProposalView> {
    const [proposal, transition, storedOutcome] = await Promise.all([
      this.db.proposals.findOne({ _id: id }),
      this.db.transitions.findOne({ _id: id }),
      this.db.outcomes.findOne({ _id: id }),
    ]);
    if (!proposal) throw new NotFound();
    const outcome = storedOutcome ?? (transition ? await this.finaliseIfDue(transition, now) : null);
    return this.complete({ proposal, transition, outcome }, now);
  }

  private async complete(
    parts: Pick<ProposalView, 'proposal' | 'transition' | 'outcome'>,
    now: Date,
  ): Promise<ProposalView> {
    const status = proposalStatus(timelineOf(parts), now);
    const turnout = parts.transition?.openedAt
      ? await this.db.register.countDocuments({ proposalId: parts.proposal._id })
      : null;
    return { ...parts, status, turnout };
  }

  private targetOf(input: DraftInput): string {
    if (input.kind === 'amend-bylaws') return BYLAWS_TARGET;
    if (input.kind === 'revoke-policy') {
      if (!input.targetPolicyId) {
        throw new InvalidRequest('validation_failed', 'A revocation names the policy it revokes.', [
          { field: 'targetPolicyId', code: 'required', message: 'Name the policy to revoke.' },
        ]);
      }
      return input.targetPolicyId;
    }
    // An access policy targets the policy it would replace, or else a new policy id of its own.
    return input.targetPolicyId ?? randomUUID();
  }

  private async checkContent(kind: ProposalKind, input: ProposalContent, now: Date): Promise<ProposalContent> {
    const content: ProposalContent = { title: input.title, summary: input.summary };
    const details = [];
    if (kind === 'access-policy') {
      if (!input.policy) details.push({ field: 'policy', code: 'required', message: 'Describe the policy.' });
      else content.policy = input.policy;
    } else if (input.policy !== undefined) {
      details.push({ field: 'policy', code: 'not_allowed', message: 'Only access-policy proposals carry a policy.' });
    }
    if (kind === 'amend-bylaws') {
      if (!input.amendment) {
        details.push({ field: 'amendment', code: 'required', message: 'Give the amendment.' });
      } else {
        try {
          parseBylawsAmendment((await this.bylawsInForce(now)).bylaws, input.amendment);
          content.amendment = input.amendment;
        } catch (error) {
          if (!(error instanceof InvalidBylawsError)) throw error;
          for (const problem of error.problems) {
            details.push({ field: 'amendment', code: 'invalid_amendment', message: problem });
          }
        }
      }
    } else if (input.amendment !== undefined) {
      details.push({
        field: 'amendment',
        code: 'not_allowed',
        message: 'Only amend-bylaws proposals carry an amendment.',
      });
    }
    if (details.length > 0) throw new InvalidRequest('validation_failed', 'The proposal is not valid.', details);
    return content;
  }
}

function timelineOf(parts: Pick<ProposalView, 'transition' | 'outcome'>): ProposalTimeline {
  const { transition, outcome } = parts;
  return {
    openedAt: transition?.openedAt ?? null,
    closesAt: transition?.closesAt ?? null,
    withdrawnAt: transition?.withdrawnAt ?? null,
    outcome: outcome?.outcome ?? null,
  };
}

function mayView(view: ProposalView, viewer: Viewer): boolean {
  return viewer === 'steward' || (view.status !== 'draft' && view.status !== 'withdrawn');
}

function inGroup(status: ProposalStatus, filter: 'open' | 'closed' | 'draft' | 'all'): boolean {
  if (filter === 'all') return true;
  if (filter === 'open') return status === 'open';
  if (filter === 'draft') return status === 'draft';
  return status === 'closed' || status === 'approved' || status === 'rejected';
}

const messages: Record<string, string> = {
  proposal_not_draft: 'The proposal is no longer a draft.',
  proposal_not_open: 'The proposal is not open for voting.',
  voting_closed: 'Voting on this proposal has closed.',
  window_too_short: 'The voting window is shorter than the bylaws allow.',
  window_too_long: 'The voting window is longer than the bylaws allow.',
  deadline_not_later: 'A deadline may only be moved later.',
  joined_too_late: 'Only members who joined before the vote opened may vote.',
  suspended: 'Your membership is suspended.',
  left: 'You are no longer a member.',
};

function describe(reason: string): string {
  return messages[reason] ?? reason;
}

function targetUnderVote() {
  return new Conflict('target_under_vote', 'Another proposal on the same policy is open for voting.');
}

type ErrorClass = new (code: string, message: string) => Error;

function refuseUnless(check: { ok: true } | { ok: false; reason: string }, ErrorType: ErrorClass): void {
  if (!check.ok) throw new ErrorType(check.reason, describe(check.reason));
}
