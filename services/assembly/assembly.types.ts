// The assembly's public shapes, kept apart so each use-case file and the routes share one definition.
import type { BallotChoice, PublishedBallot } from '../../policies/assembly/ballot-receipts.js';
import type { Bylaws, ProposalKind } from '../../policies/assembly/bylaws.js';
import type { ProposalStatus } from '../../policies/assembly/proposal-lifecycle.js';
import type { UserDocument } from '../members/user.model.js';
import type { OutcomeDocument, ProposalDocument, TransitionDocument } from './assembly.model.js';

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
