// Storage of the general assembly. Every "only one may" decision is a unique insert (see services/db/claims.ts):
// a proposal leaves draft once (opening or withdrawal), one open proposal per target, one register entry per
// member and proposal, one outcome per proposal, one bylaws version per number.
import type { Connection, mongo } from 'mongoose';
import type { Bylaws, ProposalKind } from '../../policies/assembly/bylaws.js';
import type { BallotChoice } from '../../policies/assembly/ballot-receipts.js';
import type { ProposalRules } from '../../policies/assembly/proposal-rules.js';
import type { TallyReason, TallyTotals } from '../../policies/assembly/tally.js';

/** What members vote on. `policy` (access-policy) and `amendment` (amend-bylaws) are kept as given. */
export interface ProposalContent {
  title: string;
  summary: string;
  /** access-policy: the draft policy the assembly would approve (its engine comes with the research issue). */
  policy?: Record<string, unknown>;
  /** amend-bylaws: a JSON Merge Patch of the bylaws (policies/assembly/bylaws-amendment.ts). */
  amendment?: Record<string, unknown>;
}

/** A proposal as drafted by a steward; editable while no transition out of draft exists. */
export interface ProposalDocument {
  _id: string;
  kind: ProposalKind;
  /** The policy the vote is about; `bylaws` for amendments, so only one amendment is under vote at a time. */
  targetPolicyId: string;
  content: ProposalContent;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The one transition out of draft: an opening or a withdrawal, inserted once under the proposal's id. The
 * unique index on (targetKey, targetGeneration) makes "one open proposal per target" a single insert too.
 */
export interface TransitionDocument {
  _id: string;
  kind: ProposalKind;
  targetKey: string;
  targetGeneration: number;
  withdrawnAt?: Date;
  openedAt?: Date;
  closesAt?: Date;
  actorId: string;
  /** Electorate size N, fixed at opening. */
  electorate?: number;
  content?: ProposalContent;
  contentDigest?: string;
  rules?: ProposalRules;
  rulesDigest?: string;
  bylawsVersion?: number;
  bylawsDigest?: string;
  /** From the frozen bylaws: below this many voters the participation register stays unpublished. */
  participationListMinVoters?: number;
}

/** The result, written once by whichever service instance finalises first. */
export interface OutcomeDocument {
  _id: string;
  outcome: 'approved' | 'rejected';
  reason: TallyReason;
  totals: TallyTotals;
  ballotListDigest: string;
  finalisedAt: Date;
}

/** Who voted (never what): `_id` is `<proposalId>:<userId>`. */
export interface RegisterEntry {
  _id: string;
  proposalId: string;
  userId: string;
  /** Secret mode: a domain-separated hash of the ballot secret, unlinkable to the receipt without the secret. */
  commitment?: string;
  /** Open mode only: the link is public by the bylaws' choice. */
  receipt?: string;
}

/** A ballot: `_id` is `<proposalId>:<receipt>`; no time, no member — except `voterId` in open mode. */
export interface BallotBoxEntry {
  _id: string;
  proposalId: string;
  choice: BallotChoice;
  voterId?: string;
}

/** A bylaws version adopted by an approved amendment; `_id` is the amendment's proposal id. */
export interface BylawsVersionDocument {
  _id: string;
  version: number;
  adoptedAt: Date;
  bylaws: Bylaws;
}

type Collection<T extends mongo.Document> = mongo.Collection<T>;

export interface AssemblyCollections {
  proposals: Collection<ProposalDocument>;
  transitions: Collection<TransitionDocument>;
  outcomes: Collection<OutcomeDocument>;
  register: Collection<RegisterEntry>;
  ballots: Collection<BallotBoxEntry>;
  bylaws: Collection<BylawsVersionDocument>;
  claims: Collection<mongo.Document>;
}

/** The assembly's collections on a connection (plain driver collections: the hot path needs no hydration). */
export function assemblyCollections(connection: Connection): AssemblyCollections {
  const db = connection.db;
  if (!db) throw new Error('the database connection is not open');
  return {
    proposals: db.collection<ProposalDocument>('proposals'),
    transitions: db.collection<TransitionDocument>('proposal_transitions'),
    outcomes: db.collection<OutcomeDocument>('proposal_outcomes'),
    register: db.collection<RegisterEntry>('participation_register'),
    ballots: db.collection<BallotBoxEntry>('ballot_box'),
    bylaws: db.collection<BylawsVersionDocument>('bylaws_versions'),
    claims: db.collection('claims'),
  };
}

/** Creates the unique indexes the races depend on, and the look-up indexes MongoDB benefits from. */
export async function ensureAssemblyIndexes(collections: AssemblyCollections): Promise<void> {
  await Promise.all([
    collections.transitions.createIndex({ targetKey: 1, targetGeneration: 1 }, { unique: true }),
    collections.bylaws.createIndex({ version: 1 }, { unique: true }),
    collections.register.createIndex({ proposalId: 1 }),
    collections.ballots.createIndex({ proposalId: 1 }),
    collections.proposals.createIndex({ createdAt: 1 }),
  ]);
}
