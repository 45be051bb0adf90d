// The general assembly's one entry point: drafts, opening, ballots, finalisation, results, bylaws versions.
// Every rule comes from policies/; the use cases live in the files beside this one, each taking the context.
import type { BallotChoice } from '../../policies/assembly/ballot-receipts.js';
import { InsertBatcher } from '../db/insert-batcher.js';
import { userModel } from '../members/user.model.js';
import type { AssemblyContext, AssemblyDeps } from './assembly-context.js';
import {
  assemblyCollections,
  ensureAssemblyIndexes,
  type OutcomeDocument,
  type TransitionDocument,
} from './assembly.model.js';
import type {
  BallotReceipt,
  BylawsVersionInfo,
  DraftInput,
  DraftPatch,
  PendingVote,
  ProposalView,
  PublishedResults,
  ReminderSummary,
  Viewer,
  Voter,
} from './assembly.types.js';
import { castBallot } from './ballots.js';
import { bylawsInForce, bylawsVersions } from './bylaws-versions.js';
import { finalise } from './finalisation.js';
import { createDraft, editDraft, withdraw } from './proposal-drafts.js';
import { extend, open } from './proposal-opening.js';
import { get, list, policyVotes } from './proposal-view.js';
import { membersToRemindOf, pendingVotes, reminders } from './reminders.js';
import { results } from './results.js';

export type {
  BallotReceipt,
  BylawsVersionInfo,
  DraftInput,
  DraftPatch,
  PendingVote,
  ProposalView,
  PublishedResults,
  ReminderSummary,
  Viewer,
  Voter,
} from './assembly.types.js';
export { FINALISATION_GRACE_MS } from './finalisation.js';

/** The assembly's use cases over its collections and the users' membership records. */
export class Assembly {
  private readonly ctx: AssemblyContext;

  constructor(deps: AssemblyDeps) {
    const db = assemblyCollections(deps.connection);
    this.ctx = {
      db,
      users: userModel(deps.connection),
      deps,
      openings: new Map(),
      inserts: { register: new InsertBatcher(db.register as never), ballots: new InsertBatcher(db.ballots as never) },
    };
  }

  /** Creates the indexes the race-free decisions depend on; run once at start-up. */
  async ensureIndexes(): Promise<void> {
    await ensureAssemblyIndexes(this.ctx.db);
  }

  // ---- bylaws ---------------------------------------------------------------------------------------------

  /** Every bylaws version (founding first), after adopting any amendment whose vote is over. */
  bylawsVersions(now: Date): Promise<BylawsVersionInfo[]> {
    return bylawsVersions(this.ctx, now);
  }

  /** The bylaws governing a proposal opened now. */
  bylawsInForce(now: Date): Promise<BylawsVersionInfo> {
    return bylawsInForce(this.ctx, now);
  }

  // ---- drafts ---------------------------------------------------------------------------------------------

  /** A steward drafts a proposal; an amendment is checked against the bylaws in force now. */
  createDraft(input: DraftInput, stewardId: string, now: Date): Promise<ProposalView> {
    return createDraft(this.ctx, input, stewardId, now);
  }

  /** Changes a draft's text or content; refused once the proposal has opened or been withdrawn. */
  editDraft(id: string, patch: DraftPatch, now: Date): Promise<ProposalView> {
    return editDraft(this.ctx, id, patch, now);
  }

  /** Withdraws a draft: the one transition out of draft, so it excludes a concurrent opening. */
  withdraw(id: string, stewardId: string, now: Date): Promise<ProposalView> {
    return withdraw(this.ctx, id, stewardId, now);
  }

  // ---- opening and deadline -------------------------------------------------------------------------------

  /** Opens the vote: freezes content, rules and bylaws version with their digests, and fixes the electorate. */
  open(id: string, closesAt: Date, stewardId: string, now: Date): Promise<ProposalView> {
    return open(this.ctx, id, closesAt, stewardId, now);
  }

  /** Moves the deadline later (never earlier), within the frozen maximum window. */
  extend(id: string, closesAt: Date, now: Date): Promise<ProposalView> {
    return extend(this.ctx, id, closesAt, now);
  }

  // ---- reading --------------------------------------------------------------------------------------------

  /** One proposal with its status at `now`, finalising it first if its vote is over. */
  get(id: string, now: Date, viewer: Viewer): Promise<ProposalView> {
    return get(this.ctx, id, now, viewer);
  }

  /** Proposals by status group, newest first; drafts and withdrawn ones are shown to stewards only. */
  list(filter: 'open' | 'closed' | 'draft' | 'all', now: Date, viewer: Viewer): Promise<ProposalView[]> {
    return list(this.ctx, filter, now, viewer);
  }

  /** Opened policy votes with their outcomes; the research service derives approved policies from these. */
  policyVotes(
    now: Date,
    policyId?: string,
  ): Promise<{ transition: TransitionDocument; outcome: OutcomeDocument | null }[]> {
    return policyVotes(this.ctx, now, policyId);
  }

  // ---- ballots --------------------------------------------------------------------------------------------

  /** Casts or changes a member's ballot (secret or open mode, as the frozen rules say). */
  castBallot(
    id: string,
    voter: Voter,
    choice: BallotChoice,
    secret: string | undefined,
    now: Date,
  ): Promise<BallotReceipt> {
    return castBallot(this.ctx, id, voter, choice, secret, now);
  }

  /** Open proposals the member may vote on and has not yet, soonest deadline first. */
  pendingVotes(userId: string, now: Date): Promise<PendingVote[]> {
    return pendingVotes(this.ctx, userId, now);
  }

  /** How many members a notifier should remind about this proposal now (eligible, not voted, deadline near). */
  reminders(id: string, now: Date): Promise<ReminderSummary> {
    return reminders(this.ctx, id, now);
  }

  /** Ids of the members to remind (for an in-process notifier; not served over HTTP, see docs/assembly.md). */
  membersToRemind(id: string, now: Date): Promise<string[]> {
    return membersToRemindOf(this.ctx, id, now);
  }

  // ---- closing --------------------------------------------------------------------------------------------

  /** Results: only the turnout while open; after close and the grace period, what the vote publishes. */
  results(id: string, now: Date, viewer: Viewer): Promise<PublishedResults> {
    return results(this.ctx, id, now, viewer);
  }

  /** Writes the outcome if the vote is over (idempotent; any instance may call it at any time). */
  finalise(id: string, now: Date): Promise<OutcomeDocument | null> {
    return finalise(this.ctx, id, now);
  }
}
