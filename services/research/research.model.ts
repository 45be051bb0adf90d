// What research stores: access requests, consent versions, the ε ledger, answered queries (with contributor
// tokens), per-policy pseudonym keys and the daily cohort insights.

export const REQUEST_COLLECTION = 'research_requests';
export const QUERY_COLLECTION = 'research_queries';
export const CONSENT_COLLECTION = 'consent_versions';
export const LEDGER_COLLECTION = 'epsilon_ledger';
export const POLICY_KEY_COLLECTION = 'policy_keys';
export const THROTTLE_COLLECTION = 'research_throttle';
export const INSIGHT_COLLECTION = 'cohort_insights';
export const IMPACT_COLLECTION = 'impact_previews';
/** Shared "only once" claims (a request becomes a proposal once). */
export const CLAIM_COLLECTION = 'claims';

/** What a researcher files; becomes the policy the assembly votes on. */
export interface ResearchRequestInput {
  title: string;
  purpose: string;
  duo: { permission: string; modifiers: string[]; disease?: string | undefined };
  categories: string[];
  level: string;
  statistics: string[];
  groupBy: string[];
  period: { from: string; to: string };
  validUntil: string;
  epsilon: number;
  ethicsApproval?: string | undefined;
  minCellSize?: number | undefined;
  deidentification?: { dateTruncation?: string | undefined; profileFields?: string[] | undefined } | undefined;
}

export interface ResearchRequestDocument {
  _id: string;
  researcherId: string;
  request: ResearchRequestInput;
  createdAt: Date;
  proposalId?: string;
  policyId?: string;
  proposedAt?: Date;
}

/** Version n of a member's consent, `<member>:<n>`, sealed under the member's data key. */
export interface ConsentDocument {
  _id: string;
  member: string;
  version: number;
  recordedAt: Date;
  sealed: Buffer;
}

/** Entry n of a policy's ε ledger, `<policy>:<n>`, with the cumulative spend after it. */
export interface LedgerEntry {
  _id: string;
  policyId: string;
  n: number;
  costMicro: number;
  cumulativeMicro: number;
  queryId: string;
  at: Date;
}

/** `<policy>:hint`: usually the newest position (a hint only: it may lag behind). */
export interface LedgerHint {
  _id: string;
  n: number;
}

/** One answered query or export. */
export interface QueryRecord {
  _id: string;
  kind: 'query' | 'export';
  policyId: string;
  policyVersion: number;
  researcherId: string;
  category: string;
  statistic: string | null;
  at: Date;
  /** Sorted 16-byte tokens HMAC(blind-index key, policy ‖ member) of the members whose data was read. */
  contributors: Buffer;
}

/** A policy's pseudonym key, wrapped by the master key; destroyed when the policy ends. */
export interface PolicyKeyDocument {
  _id: string;
  wrapped: Buffer;
  createdAt: Date;
}

/** The comparison shown for one category and period (`_id` `<category>:<period id>`, e.g. `heart-rate:2026-12`). */
export interface InsightRecord {
  _id: string;
  category: string;
  /** The period id (`2026-12`, `2026-Q4`, `2026`) and the year whose budget it paid from. */
  periodId: string;
  year: number;
  /** When the bands shown were released: this period, or an earlier one when the year's budget was spent. */
  computedAt: Date;
  /** False when the year's budget was spent: the period shows the last release again, and nothing new left. */
  fresh: boolean;
  suppressed: boolean;
  /**
   * Per component its released bands and the noisy member count the release was decided on (null when suppressed,
   * and in records from before migration 9, which did not keep it).
   */
  components: {
    component: string | null;
    quantiles: { level: number; value: number }[] | null;
    count: number | null;
  }[];
  /** ε of the release shown, the category's budget for its year and what that year had spent after it (micro-ε). */
  epsilonMicro: number;
  budgetMicro: number;
  spentMicro: number;
}

/** A proposal's impact preview as released once: coarse bands only, never the exact counts they came from. */
export interface ImpactSnapshotDocument {
  /** `<proposal>:draft` (the steward's preview) or `<proposal>:public` (from the first read past draft). */
  _id: string;
  proposalId: string;
  stage: 'draft' | 'public';
  policyId: string;
  at: Date;
  minCellSize: number;
  categories: { category: string; atLeast: number; fewerThan: number }[];
}
