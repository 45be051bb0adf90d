// Shapes of the service's JSON (see /openapi.json); the front end only reads them.

export type Role = 'member' | 'researcher' | 'steward';
export type Bucket = 'day' | 'week' | 'month';
export type Choice = 'yes' | 'no' | 'abstain';
export type ProposalStatus = 'draft' | 'open' | 'closed' | 'approved' | 'rejected' | 'withdrawn';
export type ProposalKind = 'access-policy' | 'revoke-policy' | 'amend-bylaws';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

export interface Account {
  id: string;
  role: Role;
  status: 'active' | 'suspended';
  email: string;
  name: string;
  organisation?: string;
  memberSince?: string;
  verification?: 'pending' | 'verified' | 'rejected';
  nonProfit?: boolean;
  createdAt: string;
}

export interface Statistics {
  count: number;
  mean: number;
  min: number;
  max: number;
}

export interface SeriesPoint {
  start: string;
  count: number;
  stats?: Statistics;
  components?: Record<string, Statistics>;
}

export interface Series {
  category: string;
  unit: string;
  bucket: Bucket;
  points: SeriesPoint[];
}

export interface Observation {
  id: string;
  category: string;
  value?: number;
  components?: Record<string, number>;
  unit: string;
  effectiveAt: string;
  source: 'manual' | 'csv' | 'fhir' | 'device';
  note?: string;
}

export interface UploadResult {
  received: number;
  stored: number;
  duplicates: number;
  replayed: boolean;
}

export interface NewObservation {
  category: string;
  value?: number;
  components?: Record<string, number>;
  unit: string;
  effectiveAt: string;
  note?: string;
}

export interface Fraction {
  num: number;
  den: number;
}

export interface Proposal {
  id: string;
  kind: ProposalKind;
  status: ProposalStatus;
  targetPolicyId: string;
  title: string;
  summary: string;
  policy?: Record<string, unknown>;
  amendment?: Record<string, unknown>;
  createdAt: string;
  openedAt?: string;
  closesAt?: string;
  electorate?: number;
  turnout?: number;
  frozen?: {
    contentDigest: string;
    rules: {
      quorum: Fraction;
      threshold: Fraction;
      thresholdBase: 'decisive' | 'cast';
      votingWindow: { minHours: number; maxHours: number };
      ballotMode: 'secret' | 'open';
    };
    bylawsVersion: number;
  };
  outcome?: { outcome: 'approved' | 'rejected'; reason: string };
}

export interface PendingVote {
  proposal: Proposal;
  closesAt: string;
  reminderDue: boolean;
}

export interface BallotReceipt {
  proposalId: string;
  receipt: string;
  choice: Choice;
  changed: boolean;
}

export interface Results {
  proposalId: string;
  status: ProposalStatus;
  electorate: number;
  turnout: number;
  closesAt: string;
  finalisesAt: string;
  result: {
    outcome: 'approved' | 'rejected';
    reason: string;
    totals: { yes: number; no: number; abstain: number; cast: number; electorate: number };
    ballots: { receipt: string; choice: Choice; voter?: string }[];
    ballotListDigest: string;
    finalisedAt: string;
  } | null;
}

export interface Bylaws {
  inForce: { version: number; bylaws: { proposalKinds?: Record<string, { votingWindow: { minHours: number } }> } };
}

export interface AuditVerification {
  valid: boolean;
  entries: number;
  checkpoints: number;
  problems: { seq: number; problem: string }[];
}

export interface ErrorDetail {
  index?: number;
  field?: string;
  code: string;
  message: string;
}
