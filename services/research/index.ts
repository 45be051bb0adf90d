// Research's public interface: access under voted policies — consent, requests → proposals, impact previews,
// queries, pseudonymised export, the member's access log and cohort insights. Every rule comes from policies/
// (decide, consent, privacy, pseudonym, epsilon-split); the use cases here load, debit, audit and store, each in
// its own file, bound once below to the stores it uses.
import type { Connection } from 'mongoose';
import type { AccessPolicy } from '../../policies/research/access-policy.js';
import type { Consent, ConsentVersion } from '../../policies/research/consent.js';
import type { ResearchProfile } from '../../policies/research/group-by.js';
import { cryptoRandomSource, type RandomSource } from '../../policies/research/privacy.js';
import type { Assembly, ProposalView } from '../assembly/index.js';
import type { Actor } from '../auth/index.js';
import type { Keyring } from '../crypto/keyring.js';
import type { MemberDirectory } from '../members/index.js';
import type { Vault } from '../vault/index.js';
import { accessLog, type AccessLogEntry } from './access-log.js';
import { approvedPolicies } from './approved-policies.js';
import { type Cohort, type CohortMember, readCohort } from './cohort.js';
import { changeConsent, consentOf, type ConsentView, seedConsent } from './consent.js';
import { ConsentStore } from './consent-store.js';
import { type ResearchAudit, SERVICE_ACTOR } from './decision-gate.js';
import { EpsilonLedger } from './epsilon-ledger.js';
import { fileRequest } from './file-request.js';
import { type ImpactPreview, proposalImpact } from './impact-preview.js';
import { ImpactSnapshots } from './impact-snapshots.js';
import { InsightCache } from './insight-cache.js';
import { insights, type Insights } from './insights.js';
import { getRequest, type ListedRequest, listRequests } from './list-requests.js';
import { type MemberStudy, memberStudies } from './member-studies.js';
import { type ProposalInclusion, proposalInclusion } from './proposal-inclusion.js';
import { budgetOf, listPolicies, remainingMicro } from './policies.js';
import { PolicyKeys } from './policy-keys.js';
import { type ApprovedPolicy, PolicyRegistry } from './policy-registry.js';
import { proposeRequest } from './propose-request.js';
import { type ExportAnswer, exportRecords } from './pseudonymised-export.js';
import { query, type QueryAnswer, type QueryInput, refuseInvalid } from './queries.js';
import { QueryThrottle } from './query-throttle.js';
import { RequestStore } from './request-store.js';
import type { ConsentDocument, ResearchRequestDocument, ResearchRequestInput } from './research.model.js';
import { queryHistory, UseRecords } from './use-records.js';

export { consentDocument } from './consent-store.js';
export { EpsilonLedger } from './epsilon-ledger.js';
export { destroyEndedKeysOnce, startKeyDestructionJob } from './key-destruction-job.js';
export type { AccessLogEntry } from './access-log.js';
export type { Cohort, CohortMember, CohortReadScope } from './cohort.js';
export type { ConsentView } from './consent.js';
export type { CategoryImpact, ImpactPreview } from './impact-preview.js';
export type { Insights } from './insights.js';
export type { MemberStudy } from './member-studies.js';
export type { ApprovedPolicy } from './policy-registry.js';
export type { ExportAnswer } from './pseudonymised-export.js';
export type { QueryAnswer, QueryInput } from './queries.js';
export type { ListedRequest, RequestProposalState } from './list-requests.js';
export type { ProposalInclusion } from './proposal-inclusion.js';
export type { InsightRecord, ResearchRequestDocument, ResearchRequestInput } from './research.model.js';
/** Where released cohort insights are kept (a test that seeds a release names it). */
export { INSIGHT_COLLECTION } from './research.model.js';

export interface ResearchOptions {
  /** Queries and exports per researcher per minute (fixed windows, exact across instances). */
  queriesPerMinute: number;
}

export interface ResearchDeps {
  connection: Connection;
  keyring: Keyring;
  audit: ResearchAudit;
  assembly: Assembly;
  vault: Pick<Vault, 'cohortRefs' | 'cohortValues' | 'cohortTotals' | 'cohortObservations' | 'observationsOf'>;
  members: MemberDirectory;
  options?: Partial<ResearchOptions>;
  /** Noise source; the operating system's CSPRNG unless a test injects one. */
  random?: RandomSource;
}

/** The research use cases. */
export interface Research {
  /** The very object the throttle reads on every call: a change applies at once (tests, benchmarks). */
  readonly options: ResearchOptions;
  /** The member's consent in force now and the list of versions (times and what each changed). */
  consentOf(memberId: string, now: Date): Promise<ConsentView>;
  /** Every version of the member's consent with its content, oldest first (the FHIR API's Consent reads). */
  consentVersions(memberId: string): Promise<ConsentVersion[]>;
  /** Records a new version of the member's consent (the whole consent as it stands from now on); audited. */
  changeConsent(memberId: string, body: unknown, now: Date): Promise<ConsentView>;
  /** Records a consent version without an audit entry: seeding of test and benchmark data only. */
  seedConsent(memberId: string, consent: Consent, now: Date): Promise<void>;
  /** Inserts consent versions made by `consentDocument` as they are (bulk seeding of benchmarks only). */
  seedConsentDocuments(documents: readonly ConsentDocument[]): Promise<void>;
  /** A verified researcher files an access request; it must make a valid policy under the bylaws in force. */
  fileRequest(actor: Actor, input: ResearchRequestInput, now: Date): Promise<ResearchRequestDocument>;
  /** Requests: a researcher sees their own, a steward sees all. */
  listRequests(actor: Actor, now: Date): Promise<ListedRequest[]>;
  /** Every request, newest first (the public record presents only what may be public of them). */
  allRequests(): Promise<ResearchRequestDocument[]>;
  /** One request; another researcher's is 404. */
  getRequest(actor: Actor, id: string): Promise<ResearchRequestDocument>;
  /** A steward turns a request into an access-policy draft (once), with the impact preview of its policy. */
  proposeRequest(id: string, stewardId: string, now: Date): Promise<{ proposal: ProposalView; impact: ImpactPreview }>;
  /** The impact preview of an access-policy proposal (members and stewards): its coarse snapshot, taken once. */
  proposalImpact(proposalId: string, viewer: 'steward' | 'member', now: Date): Promise<ImpactPreview>;
  /** What an access-policy proposal would mean for the member's own data, by their consent in force now. */
  proposalInclusion(memberId: string, proposalId: string, now: Date): Promise<ProposalInclusion>;
  /** Destroys the pseudonym keys of every policy no longer active (the key-destruction job); returns how many. */
  destroyEndedPolicyKeys(now: Date): Promise<number>;
  /** Approved policies with their status now; keys of ended policies are destroyed on the way. */
  listPolicies(now: Date, status: 'active' | 'all'): Promise<ApprovedPolicy[]>;
  /** Budget of a policy: total and remaining, in ε. */
  budgetOf(policy: AccessPolicy): Promise<{ total: number; remaining: number }>;
  /** What is left of a policy's budget, in micro-ε. */
  remainingMicro(policy: AccessPolicy): Promise<number>;
  /** Runs one aggregate query (decide → debit ε → audit → read and release); a denial is audited too. */
  query(actor: Actor, input: QueryInput, now: Date): Promise<QueryAnswer>;
  /** Audits a query body that failed validation (operators, oversized fields): nothing was decided or released. */
  refuseInvalid(actor: Actor, details: { field: string; code: string }[], now: Date): Promise<void>;
  /** Record-level export under per-study pseudonyms, if the policy allows it; audited before anything leaves. */
  exportRecords(
    actor: Actor,
    policyId: string,
    input: { category: string; from?: string | undefined; to?: string | undefined },
    now: Date,
  ): Promise<ExportAnswer>;
  /** The researcher's own answered queries and exports, newest first (no contributor data). */
  queryHistory(researcherId: string): ReturnType<typeof queryHistory>;
  /** Every active study with, per category, whether this member's data is in it now, and whether they left it. */
  studiesOf(memberId: string, now: Date): Promise<MemberStudy[]>;
  /** Every query and export that used the member's data, newest first. */
  accessLog(memberId: string, now: Date): Promise<AccessLogEntry[]>;
  /** The member's recent value against percentile bands of the consenting cohort (released by the same noisy-count rule as research). */
  insights(memberId: string, code: string, now: Date): Promise<Insights>;
  /** Research's part of an erasure: the member's consent versions (sealed under the key already destroyed). */
  eraseMemberData(memberId: string): Promise<void>;
  /** The reads a query makes, one at a time, for the research benchmark's breakdown; changes nothing. */
  readonly probes: {
    findPolicy(policyId: string, now: Date): Promise<ApprovedPolicy | null>;
    remainingMicro(policyId: string, budgetMicro: number): Promise<number>;
    readCohort(): Promise<Cohort>;
    researchProfileOf(member: CohortMember): ResearchProfile;
  };
}

/** Builds research's stores once and binds each use case to the ones it uses. */
export function createResearch(deps: ResearchDeps): Research {
  const { connection, keyring, audit, assembly, members } = deps;
  const options: ResearchOptions = { queriesPerMinute: 30, ...deps.options };
  const consents = new ConsentStore(connection);
  const ledger = new EpsilonLedger(connection);
  const registry = new PolicyRegistry(assembly);
  const policyKeys = new PolicyKeys(connection, keyring);
  const policies = approvedPolicies(registry, policyKeys);
  const requests = new RequestStore(connection);
  const uses = new UseRecords(connection, keyring);
  const throttle = new QueryThrottle(connection, options);
  const cache = new InsightCache(connection);
  const snapshots = new ImpactSnapshots(connection);
  const random = deps.random ?? cryptoRandomSource();
  const cohort = { members, consents, vault: deps.vault };
  const consent = { consents, members };
  return {
    options,
    consentOf: (memberId, now) => consentOf(consent, memberId, now),
    consentVersions: async (memberId) => consents.history(memberId, await members.dataKeyOf(memberId)),
    changeConsent: (memberId, body, now) => changeConsent({ ...consent, audit, keyring }, memberId, body, now),
    seedConsent: (memberId, value, now) => seedConsent(consent, memberId, value, now),
    seedConsentDocuments: (documents) => consents.insertDocuments(documents),
    fileRequest: (actor, input, now) => fileRequest({ requests, assembly, members, audit }, actor, input, now),
    listRequests: (actor, now) => listRequests(requests, assembly, actor, now),
    allRequests: () => requests.list(null),
    getRequest: (actor, id) => getRequest(requests, actor, id),
    proposeRequest: (id, stewardId, now) =>
      proposeRequest({ requests, assembly, audit, cohort, snapshots }, id, stewardId, now),
    proposalImpact: (proposalId, viewer, now) =>
      proposalImpact({ assembly, cohort, snapshots }, proposalId, viewer, now),
    proposalInclusion: (memberId, proposalId, now) =>
      proposalInclusion({ ...consent, assembly }, memberId, proposalId, now),
    destroyEndedPolicyKeys: async (now) => {
      const destroyed = await policies.destroyEndedKeys(now);
      if (destroyed.length > 0) {
        await audit.append('research.policy_keys.destroyed', SERVICE_ACTOR, { policyIds: destroyed }, now);
      }
      return destroyed.length;
    },
    listPolicies: (now, status) => listPolicies(policies, now, status),
    budgetOf: (policy) => budgetOf(ledger, policy),
    remainingMicro: (policy) => remainingMicro(ledger, policy),
    query: (actor, input, now) =>
      query({ throttle, policies, ledger, audit, cohort, members, uses, random }, actor, input, now),
    refuseInvalid: (actor, details, now) => refuseInvalid({ throttle, audit }, actor, details, now),
    exportRecords: (actor, policyId, input, now) =>
      exportRecords(
        { throttle, policies, ledger, audit, policyKeys, cohort, members, uses },
        actor,
        policyId,
        input,
        now,
      ),
    queryHistory: (researcherId) => queryHistory(uses, researcherId),
    studiesOf: (memberId, now) => memberStudies({ ...consent, policies, ledger }, memberId, now),
    accessLog: (memberId, now) => accessLog({ registry, uses }, memberId, now),
    insights: (memberId, code, now) =>
      insights({ vault: deps.vault, members, assembly, cohort, cache, ledger, audit, random }, memberId, code, now),
    eraseMemberData: (memberId) => consents.deleteAll(memberId),
    probes: {
      findPolicy: (policyId, now) => registry.find(policyId, now),
      remainingMicro: (policyId, budgetMicro) => ledger.remaining(policyId, budgetMicro),
      readCohort: () => readCohort(cohort),
      researchProfileOf: (member) => members.researchProfileOf(member),
    },
  };
}
