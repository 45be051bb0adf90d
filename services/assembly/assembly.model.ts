// The general assembly's shapes and storage. Every "only one may" decision is a unique insert (see services/db/claims.ts):
// a proposal leaves draft once (opening or withdrawal), one open proposal per target, one register entry per
// member and proposal, one outcome per proposal, one bylaws version per number.
import type { Connection, mongo } from 'mongoose';
import type { Logger } from 'pino';
import type { Bylaws, ProposalKind } from '../../policies/assembly/bylaws.js';
import type { BallotChoice, PublishedBallot } from '../../policies/assembly/ballot-receipts.js';
import type { ProposalStatus } from '../../policies/assembly/proposal-lifecycle.js';
import type { ProposalRules } from '../../policies/assembly/proposal-rules.js';
import type { TallyReason, TallyTotals } from '../../policies/assembly/tally.js';
import type { AuditTrail } from '../audit/index.js';
import type { Enactment } from './enactment.js';
import type { MembershipState } from '../auth/index.js';
import type { InsertBatcher } from '../db/insert-batcher.js';
import type { MemberStanding } from '../members/index.js';

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
  /** The researcher whose request this access policy comes from (set by research), who may join the discussion. */
  requestedBy?: string;
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
  /** Set when the member's proxy cast this ballot for them; the member's own ballot replaces it. */
  castBy?: 'proxy';
}

/** A ballot: `_id` is `<proposalId>:<receipt>`; no time, no member — except `voterId` in open mode. */
export interface BallotBoxEntry {
  _id: string;
  proposalId: string;
  choice: BallotChoice;
  voterId?: string;
  /**
   * A ballot cast by proxy: a keyed hash of (proposal, principal) under the service's key (proxy-keys.ts), so the
   * principal's own ballot can void it; the database alone cannot tell whose it is.
   */
  proxyTag?: string;
}

/**
 * One side of a proxy mandate: `_id` is `<proposalId>:<userId>`, so each member holds at most one mandate per
 * proposal (as principal or as proxy) — Art. 886 CO, and no chains. Written as two unique inserts.
 */
export interface MandateDocument {
  _id: string;
  proposalId: string;
  userId: string;
  role: 'principal' | 'proxy';
  partnerId: string;
  namedAt: Date;
  /** Set first when the principal revokes, so a proxy ballot racing the revocation undoes itself. */
  revokedAt?: Date;
  /** On the principal's side: the receipt of the ballot the proxy cast, sealed (proxy-keys.ts). */
  sealedReceipt?: Buffer;
}

/** A proposal announced for discussion before its vote: `_id` is the proposal id, inserted once. */
export interface AnnouncementDocument {
  _id: string;
  announcedAt: Date;
  announcedBy: string;
}

/**
 * A post in a proposal's discussion thread. The author is referred to by account id (never a name): the name is
 * read at display time, so an erased author shows as "a former member". Stewards may hide a post, never edit it.
 */
export interface PostDocument {
  _id: string;
  proposalId: string;
  authorId: string;
  authorRole: 'member' | 'steward' | 'researcher';
  /** A reply names the post it answers (one level deep); null for a post that starts a conversation. */
  parentId: string | null;
  text: string;
  postedAt: Date;
  hidden?: { by: string; reason: string; at: Date };
  /** Set when the author's account was erased: the text is blanked then (it is theirs), the place stays. */
  erasedAt?: Date;
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
  mandates: Collection<MandateDocument>;
  announcements: Collection<AnnouncementDocument>;
  posts: Collection<PostDocument>;
  claims: Collection<mongo.Document>;
}

/** Where the assembly reads members' standing (the members context provides it). */
export interface MemberRoll {
  memberStanding(userId: string): Promise<MemberStanding | null>;
  memberStandings(): Promise<MemberStanding[]>;
}

/** The ballot path's per-instance cache of openings (opening-cache.ts). */
export interface OpeningCache {
  get(id: string, now: Date): TransitionDocument | undefined;
  set(id: string, transition: TransitionDocument, now: Date): void;
  forget(id: string): void;
}

/**
 * Everything the assembly's use cases may work on. Each use case names the part it uses (`Pick<AssemblyStores, …>`)
 * and receives only that; `createAssembly` binds them once.
 */
export interface AssemblyStores extends AssemblyCollections {
  roll: MemberRoll;
  audit: AuditTrail;
  log?: Logger;
  /** Per-instance cache of openings for the ballot path (see opening-cache.ts). */
  openings: OpeningCache;
  /** The ballot path's inserts into the register and the box, sent in batches (see db/insert-batcher.ts). */
  inserts: { register: InsertBatcher; ballots: InsertBatcher };
  /** Keyed tags and sealing for proxy ballots (proxy-keys.ts). */
  proxyKeys: ProxyKeys;
}

/** The service-keyed operations proxy ballots need; the key never leaves the implementation. */
export interface ProxyKeys {
  /** A keyed, deterministic tag of (proposal, principal) marking the ballot a proxy cast for that principal. */
  ballotTag(proposalId: string, principalId: string): string;
  /** Seals the receipt of a proxy ballot for its principal. */
  sealReceipt(proposalId: string, principalId: string, receipt: string): Buffer;
  /** Opens a receipt sealed by sealReceipt. */
  openReceipt(proposalId: string, principalId: string, sealed: Buffer): string;
}

/** What finalising a vote touches: the transitions, the box, the outcomes, the bylaws versions, the audit. */
export type FinalisationStores = Pick<
  AssemblyStores,
  'transitions' | 'outcomes' | 'ballots' | 'bylaws' | 'audit' | 'log'
>;

/** What reading a proposal touches: its parts, the turnout, and finalisation of a due vote on the way. */
export type ReadingStores = FinalisationStores & Pick<AssemblyStores, 'proposals' | 'register' | 'announcements'>;

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
    mandates: db.collection<MandateDocument>('proxy_mandates'),
    announcements: db.collection<AnnouncementDocument>('proposal_announcements'),
    posts: db.collection<PostDocument>('proposal_posts'),
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
    collections.mandates.createIndex({ proposalId: 1 }),
    collections.posts.createIndex({ proposalId: 1, postedAt: 1 }),
    collections.proposals.createIndex({ createdAt: 1 }),
  ]);
}

// ---- shapes the use cases take and return ----------------------------------------------------------------

export interface DraftInput {
  kind: ProposalKind;
  /** The requesting researcher, for an access policy drafted from their request. */
  requestedBy?: string;
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
  membership?: MembershipState;
}

/** A proposal with what its status is derived from, as read at one instant. */
export interface ProposalView {
  proposal: ProposalDocument;
  transition: TransitionDocument | null;
  outcome: OutcomeDocument | null;
  /** Announced for discussion before opening, if it was. */
  announcement: AnnouncementDocument | null;
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
  /** Approved motions: whether they took effect, and why not; null otherwise. */
  enactment: Enactment;
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
