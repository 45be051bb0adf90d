// The general assembly's interface: drafts, opening, ballots, finalisation, results, bylaws versions. Every rule
// comes from policies/; each use case lives in its own file beside this one, taking only the stores it uses.
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { BallotChoice } from '../../policies/assembly/ballot-receipts.js';
import type { AuditTrail } from '../audit/index.js';
import type { Keyring } from '../crypto/keyring.js';
import { InsertBatcher } from '../db/insert-batcher.js';
import {
  assemblyCollections,
  ensureAssemblyIndexes,
  type AssemblyStores,
  type DraftInput,
  type DraftPatch,
  type MemberRoll,
  type OutcomeDocument,
  type TransitionDocument,
  type Viewer,
  type Voter,
} from './assembly.model.js';
import { castBallot } from './ballots.js';
import { bylawsInForce, bylawsVersions } from './bylaws-versions.js';
import { enactmentsOf, policyEnactments } from './enactment.js';
import { finalise } from './finalisation.js';
import { OpeningMemo } from './opening-cache.js';
import { createDraft, editDraft, withdraw } from './proposal-drafts.js';
import { extend, open } from './proposal-opening.js';
import { get, list, policyVotes, type ProposalFilter } from './proposal-view.js';
import { castProxyBallot } from './proxy-ballots.js';
import { announce } from './proposal-announcement.js';
import { eraseAuthorPosts, hidePost, post, thread, type NewPost, type Participant } from './discussion.js';
import { createProxyKeys } from './proxy-keys.js';
import { mandatesOn, nameProxy, revokeProxy } from './proxy-mandates.js';
import { membersToRemindOf, pendingVotes, reminders } from './reminders.js';
import { results } from './results.js';

export type {
  BallotReceipt,
  BylawsVersionInfo,
  DraftInput,
  DraftPatch,
  MemberRoll,
  OutcomeDocument,
  PendingVote,
  ProposalView,
  PublishedResults,
  ReminderSummary,
  TransitionDocument,
  Viewer,
  Voter,
} from './assembly.model.js';
export { FINALISATION_GRACE_MS } from './finalisation.js';
export type { Enactment } from './enactment.js';
export type { MandateView } from './proxy-mandates.js';
export type { NewPost, Participant } from './discussion.js';
export type { PostDocument } from './assembly.model.js';
export type { ProposalFilter } from './proposal-view.js';

export interface AssemblyDeps {
  connection: Connection;
  /** Members' standing, for the electorate and ballot eligibility (the members context). */
  members: MemberRoll;
  log?: Logger;
  /** Proposal events go to the audit log (drafted, opened, withdrawn, extended, finalised). */
  audit?: AuditTrail;
  /** Keys proxy ballots' tags and sealed receipts; without it (some tests) a random per-process key is used. */
  keyring?: Pick<Keyring, 'blindIndex'>;
}

/** Binds the assembly's use cases to its collections; call `ensureIndexes` once at start-up. */
export function createAssembly(deps: AssemblyDeps) {
  const db = assemblyCollections(deps.connection);
  const stores: AssemblyStores = {
    ...db,
    roll: deps.members,
    audit: deps.audit ?? { append: async () => 0 },
    ...(deps.log && { log: deps.log }),
    openings: new OpeningMemo(),
    inserts: { register: new InsertBatcher(db.register as never), ballots: new InsertBatcher(db.ballots as never) },
    proxyKeys: createProxyKeys(deps.keyring),
  };

  return {
    /** Creates the indexes the race-free decisions depend on; run once at start-up. */
    ensureIndexes: () => ensureAssemblyIndexes(db),

    // ---- bylaws ---------------------------------------------------------------------------------------------

    /** Every bylaws version (founding first), after adopting any amendment whose vote is over. */
    bylawsVersions: (now: Date) => bylawsVersions(stores, now),
    /** The bylaws governing a proposal opened now. */
    bylawsInForce: (now: Date) => bylawsInForce(stores, now),

    // ---- drafts ---------------------------------------------------------------------------------------------

    /** A steward drafts a proposal; it must be enactable under the bylaws in force and the state now. */
    createDraft: (input: DraftInput, stewardId: string, now: Date) => createDraft(stores, input, stewardId, now),
    /** Changes a draft's text or content; refused once the proposal has opened or been withdrawn. */
    editDraft: (id: string, patch: DraftPatch, now: Date) => editDraft(stores, id, patch, now),
    /** Withdraws a draft: the one transition out of draft, so it excludes a concurrent opening. */
    withdraw: (id: string, stewardId: string, now: Date) => withdraw(stores, id, stewardId, now),

    // ---- deliberation --------------------------------------------------------------------------------------

    /** A steward announces a draft for discussion before its vote (the bylaws may require a minimum period). */
    announce: (id: string, stewardId: string, now: Date) => announce(stores, id, stewardId, now),
    /** The discussion thread, oldest first, for a participant who may read it. */
    thread: (id: string, who: Participant, now: Date) => thread(stores, id, who, now),
    /** Adds a post or a reply while the proposal is announced or open (plain text, rate-limited per author). */
    post: (id: string, who: Participant, input: NewPost, now: Date) => post(stores, id, who, input, now),
    /** A steward hides a post with a reason (never edits it); audited. */
    hidePost: (id: string, postId: string, stewardId: string, reason: string, now: Date) =>
      hidePost(stores, id, postId, stewardId, reason, now),
    /** Blanks the texts of an erased member's posts (their places stay). */
    eraseAuthorPosts: (memberId: string, now: Date) => eraseAuthorPosts(stores, memberId, now),

    // ---- opening and deadline -------------------------------------------------------------------------------

    /** Opens the vote: freezes content, rules and bylaws version with their digests, and fixes the electorate. */
    open: (id: string, closesAt: Date, stewardId: string, now: Date) => open(stores, id, closesAt, stewardId, now),
    /** Moves the deadline later (never earlier), within the frozen maximum window. */
    extend: (id: string, closesAt: Date, now: Date) => extend(stores, id, closesAt, now),

    // ---- reading --------------------------------------------------------------------------------------------

    /** One proposal with its status at `now`, finalising it first if its vote is over. */
    get: (id: string, now: Date, viewer: Viewer) => get(stores, id, now, viewer),
    /** Proposals by status group, newest first; drafts and withdrawn ones are shown to stewards only. */
    list: (filter: ProposalFilter, now: Date, viewer: Viewer) => list(stores, filter, now, viewer),
    /** Opened policy votes with their outcomes; the research service derives approved policies from these. */
    policyVotes: (now: Date, policyId?: string) => policyVotes(stores, now, policyId),
    /** The access policies the approved votes enacted (on one id, or all) and the approved votes refused. */
    policyEnactments: (now: Date, policyId?: string) => policyEnactments(stores, now, policyId),
    /** Whether each of these counted proposals was enacted (the public record). */
    enactmentsOf: (
      counted: readonly { transition: TransitionDocument; outcome: OutcomeDocument | null }[],
      now: Date,
    ) => enactmentsOf(stores, counted, now),

    // ---- ballots --------------------------------------------------------------------------------------------

    /** Casts or changes a member's ballot (secret or open mode, as the frozen rules say). */
    castBallot: (id: string, voter: Voter, choice: BallotChoice, secret: string | undefined, now: Date) =>
      castBallot(stores, id, voter, choice, secret, now),
    /** Open proposals the member may vote on and has not yet, soonest deadline first. */
    pendingVotes: (userId: string, now: Date) => pendingVotes(stores, userId, now),
    /** How many members a notifier should remind about this proposal now (eligible, not voted, deadline near). */
    reminders: (id: string, now: Date) => reminders(stores, id, now),
    /** Ids of the members to remind (for an in-process notifier; not served over HTTP, see docs/assembly.md). */
    membersToRemind: (id: string, now: Date) => membersToRemindOf(stores, id, now),

    // ---- proxies (Art. 886 CO) -------------------------------------------------------------------------------

    /** A member names another member as proxy for one open proposal (`proxyId` null: nobody was found). */
    nameProxy: (id: string, principalId: string, proxyId: string | null, now: Date) =>
      nameProxy(stores, id, principalId, proxyId, now),
    /** The principal revokes their proxy until close; a ballot the proxy cast for them is voided. */
    revokeProxy: (id: string, principalId: string, now: Date) => revokeProxy(stores, id, principalId, now),
    /** The caller's mandates on one proposal: the proxy they named (and the receipt), or whom they represent. */
    mandates: (id: string, userId: string) => mandatesOn(stores, id, userId),
    /** A proxy casts or changes the ballot of the member they represent. */
    castProxyBallot: (id: string, proxyId: string, choice: BallotChoice, secret: string | undefined, now: Date) =>
      castProxyBallot(stores, id, proxyId, choice, secret, now),

    // ---- closing --------------------------------------------------------------------------------------------

    /** Results: only the turnout while open; after close and the grace period, what the vote publishes. */
    results: (id: string, now: Date, viewer: Viewer) => results(stores, id, now, viewer),
    /** Writes the outcome if the vote is over (idempotent; any instance may call it at any time). */
    finalise: (id: string, now: Date) => finalise(stores, id, now),
  };
}

/** The general assembly as bound by `createAssembly`. */
export type Assembly = ReturnType<typeof createAssembly>;
