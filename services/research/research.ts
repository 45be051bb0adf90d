// Research access under voted policies: consent, requests → proposals, queries, pseudonymised export, member
// access log and cohort insights. Every rule comes from policies/ (decide, consent, privacy, pseudonym); these
// files load, audit, debit and store. The order of a query is the law of spec §2: decide → audit the decision
// → only then read and release; if the audit entry cannot be written, nothing is released (503).
//
// This file is the one entry point: the `Research` class keeps the public surface routes, the container, tests
// and the demo use, and hands each call to the use case in its own file under services/research/.
import type { AccessPolicy } from '../../policies/research/access-policy.js';
import type { Consent } from '../../policies/research/consent.js';
import type { PseudonymisedRecord } from '../../policies/research/pseudonym.js';
import type { ProposalView } from '../assembly/index.js';
import type { Actor } from '../auth/actor.js';
import { accessLog, type AccessLogEntry } from './access-log.js';
import type { CohortReader } from './cohort.js';
import { changeConsent, consentOf } from './consent.js';
import type { ConsentStore } from './consent-store.js';
import type { EpsilonLedger } from './epsilon-ledger.js';
import { insights } from './insights.js';
import { budgetOf, listPolicies } from './policies.js';
import type { ApprovedPolicy, PolicyRegistry } from './policy-registry.js';
import { exportRecords } from './pseudonymised-export.js';
import { query, type QueryAnswer, type QueryInput, refuseInvalid } from './queries.js';
import {
  fileRequest,
  getRequest,
  impact,
  type ImpactPreview,
  listRequests,
  proposalImpact,
  proposeRequest,
  type ResearchRequestDocument,
  type ResearchRequestInput,
} from './requests.js';
import {
  createResearchContext,
  type ResearchContext,
  type ResearchDeps,
  type ResearchOptions,
} from './research-context.js';
import { queryHistory } from './use-records.js';

export type { AccessLogEntry } from './access-log.js';
export type { QueryAnswer, QueryInput } from './queries.js';
export type { CategoryImpact, ImpactPreview, ResearchRequestDocument, ResearchRequestInput } from './requests.js';
export type { ResearchDeps, ResearchOptions } from './research-context.js';

/** The research use cases. */
export class Research {
  readonly consents: ConsentStore;
  readonly cohort: CohortReader;
  readonly ledger: EpsilonLedger;
  readonly registry: PolicyRegistry;
  readonly options: ResearchOptions;
  private readonly context: ResearchContext;

  constructor(deps: ResearchDeps) {
    this.context = createResearchContext(deps);
    this.consents = this.context.consents;
    this.cohort = this.context.cohort;
    this.ledger = this.context.ledger;
    this.registry = this.context.registry;
    this.options = this.context.options;
  }

  // ---- consent --------------------------------------------------------------------------------------------

  /** The member's consent in force now and the list of versions (times only). */
  async consentOf(memberId: string, now: Date) {
    return consentOf(this.context, memberId, now);
  }

  /** Records a new version of the member's consent (the whole consent as it stands from now on); audited. */
  async changeConsent(memberId: string, body: unknown, now: Date) {
    return changeConsent(this.context, memberId, body, now);
  }

  // ---- requests and proposals -----------------------------------------------------------------------------

  /** A verified researcher files an access request; it must make a valid policy under the bylaws in force. */
  async fileRequest(actor: Actor, input: ResearchRequestInput, now: Date): Promise<ResearchRequestDocument> {
    return fileRequest(this.context, actor, input, now);
  }

  /** Requests: a researcher sees their own, a steward sees all. */
  async listRequests(actor: Actor): Promise<ResearchRequestDocument[]> {
    return listRequests(this.context, actor);
  }

  /** One request; another researcher's is 404. */
  async getRequest(actor: Actor, id: string): Promise<ResearchRequestDocument> {
    return getRequest(this.context, actor, id);
  }

  /** A steward turns a request into an access-policy draft (once), with the impact preview of its policy. */
  async proposeRequest(
    id: string,
    stewardId: string,
    now: Date,
  ): Promise<{ proposal: ProposalView; impact: ImpactPreview }> {
    return proposeRequest(this.context, id, stewardId, now);
  }

  /** The impact preview of an access-policy proposal as of now: counts per category, never who. */
  async proposalImpact(
    proposalId: string,
    viewer: 'steward' | 'member' | 'researcher',
    now: Date,
  ): Promise<ImpactPreview> {
    return proposalImpact(this.context, proposalId, viewer, now);
  }

  /** How many members' data each category of `policy` would cover now, and whether cells can reach minCellSize. */
  async impact(policy: AccessPolicy, now: Date): Promise<ImpactPreview> {
    return impact(this.context, policy, now);
  }

  // ---- policies -------------------------------------------------------------------------------------------

  /** Approved policies with their status now; keys of ended policies are destroyed on the way. */
  async listPolicies(now: Date, status: 'active' | 'all'): Promise<ApprovedPolicy[]> {
    return listPolicies(this.context, now, status);
  }

  /** Budget of a policy: total and remaining, in ε. */
  async budgetOf(policy: AccessPolicy): Promise<{ total: number; remaining: number }> {
    return budgetOf(this.context, policy);
  }

  // ---- queries --------------------------------------------------------------------------------------------

  /** Runs one aggregate query (decide → audit → debit ε → read and release); a denial is audited too. */
  async query(actor: Actor, input: QueryInput, now: Date): Promise<QueryAnswer> {
    return query(this.context, actor, input, now);
  }

  /** Audits a query body that failed validation (operators, oversized fields): nothing was decided or released. */
  async refuseInvalid(actor: Actor, details: { field: string; code: string }[], now: Date): Promise<void> {
    return refuseInvalid(this.context, actor, details, now);
  }

  // ---- pseudonymised export -------------------------------------------------------------------------------

  /** Record-level export under per-study pseudonyms, if the policy allows it; audited before anything leaves. */
  async exportRecords(
    actor: Actor,
    policyId: string,
    input: { category: string; from?: string | undefined; to?: string | undefined },
    now: Date,
  ): Promise<{ policyId: string; policyVersion: number; category: string; records: PseudonymisedRecord[] }> {
    return exportRecords(this.context, actor, policyId, input, now);
  }

  /** The researcher's own answered queries and exports, newest first (no contributor data). */
  async queryHistory(researcherId: string) {
    return queryHistory(this.context, researcherId);
  }

  // ---- the member's view ----------------------------------------------------------------------------------

  /** Every query and export that used the member's data, newest first. */
  async accessLog(memberId: string, now: Date): Promise<AccessLogEntry[]> {
    return accessLog(this.context, memberId, now);
  }

  /** The member's recent value against percentile bands of the consenting cohort (same suppression as research). */
  async insights(memberId: string, code: string, now: Date) {
    return insights(this.context, memberId, code, now);
  }
}

export type { Consent };
