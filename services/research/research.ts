// Research access under voted policies: consent, requests → proposals, queries, pseudonymised export, member
// access log and cohort insights. Every rule comes from policies/ (decide, consent, privacy, pseudonym); this
// file loads, audits, debits and stores. The order of a query is the law of spec §2: decide → audit the decision
// → only then read and release; if the audit entry cannot be written, nothing is released (503).
import { randomBytes, randomUUID } from 'node:crypto';
import type { Connection, mongo } from 'mongoose';
import {
  type AccessPolicy,
  parseAccessPolicy,
  policyBudgetMicro,
  toMicroEpsilon,
} from '../../policies/access-policy.js';
import { findCategory, type Category } from '../../policies/catalogue.js';
import { type Consent, consentInForce, levelFor, memberIncluded, parseConsent } from '../../policies/consent.js';
import { type AccessRequest, type Decision, decide } from '../../policies/decide.js';
import { isNotForProfitUse } from '../../policies/duo.js';
import { groupValuesOf, type GroupByDimension } from '../../policies/group-by.js';
import {
  cryptoRandomSource,
  memberValue,
  microToEpsilon,
  QUANTILE_LEVELS,
  type MemberSeries,
  type RandomSource,
  type ReleasedCell,
  releaseAggregate,
} from '../../policies/privacy.js';
import { POLICY_KEY_BYTES, pseudonymiseObservation, type PseudonymisedRecord } from '../../policies/pseudonym.js';
import { decideWithoutPolicy, denialStatus } from '../../policies/research-lookup.js';
import type { Assembly, ProposalView } from '../assembly/assembly.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Keyring } from '../crypto/keyring.js';
import { claimOnce, takeSlot } from '../db/claims.js';
import { toBuffer } from '../db/connection.js';
import {
  AppError,
  Conflict,
  Forbidden,
  InvalidRequest,
  NotFound,
  ServiceUnavailable,
  TooManyRequests,
} from '../errors.js';
import type { Actor } from '../members/accounts.js';
import { userModel } from '../members/user.model.js';
import { openChunk, type ChunkMeta } from '../vault/chunk-codec.js';
import type { Vault } from '../vault/vault.js';
import { CohortReader, type CohortMember } from './cohort.js';
import { ConsentStore } from './consent-store.js';
import { EpsilonLedger } from './epsilon-ledger.js';
import { type ApprovedPolicy, PolicyRegistry } from './policy-registry.js';

export interface ResearchOptions {
  /** Queries and exports per researcher per minute (fixed windows, exact across instances). */
  queriesPerMinute: number;
}

export interface ResearchDeps {
  connection: Connection;
  keyring: Keyring;
  audit: AuditLog;
  assembly: Assembly;
  vault: Vault;
  options?: Partial<ResearchOptions>;
  /** Noise source; the operating system's CSPRNG unless a test injects one. */
  random?: RandomSource;
}

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

export interface QueryInput {
  policyId: string;
  category: string;
  statistic: string;
  groupBy?: string[] | undefined;
  from?: string | undefined;
  to?: string | undefined;
  epsilon?: number | undefined;
}

export interface QueryAnswer {
  queryId: string;
  policyId: string;
  policyVersion: number;
  category: string;
  statistic: string;
  groupBy: string[];
  period: { from: string; to: string };
  epsilonSpent: number;
  remainingEpsilon: number;
  minCellSize: number;
  /** One entry per component (blood pressure: systolic, diastolic); `component` is null for single values. */
  results: { component: string | null; cells: readonly ReleasedCell[] }[];
}

export interface CategoryImpact {
  category: string;
  /** Members whose current consent would include them and who hold data in the period. */
  members: number;
  minCellSizeMet: boolean;
}

export interface ImpactPreview {
  policyId: string;
  at: Date;
  minCellSize: number;
  categories: CategoryImpact[];
}

export interface AccessLogEntry {
  queryId: string;
  kind: 'query' | 'export';
  policyId: string;
  study: string;
  purpose: string;
  category: string;
  statistic: string | null;
  at: Date;
  decision: 'allow';
}

interface QueryRecord {
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

interface InsightRecord {
  _id: string;
  computedAt: Date;
  suppressed: boolean;
  components: { component: string | null; quantiles: { level: number; value: number }[] | null }[];
}

const TOKEN_BYTES = 16;
const INSIGHT_WINDOW_MS = 30 * 86_400_000;
const WINDOW_MS = 60_000;

/** The research use cases. */
export class Research {
  readonly consents: ConsentStore;
  readonly cohort: CohortReader;
  readonly ledger: EpsilonLedger;
  readonly registry: PolicyRegistry;
  readonly options: ResearchOptions;
  private readonly requests: mongo.Collection<ResearchRequestDocument>;
  private readonly queries: mongo.Collection<QueryRecord>;
  private readonly policyKeys: mongo.Collection<{ _id: string; wrapped: Buffer; createdAt: Date }>;
  private readonly throttle: mongo.Collection<mongo.Document>;
  private readonly insightsCache: mongo.Collection<InsightRecord>;
  private readonly claims: mongo.Collection<mongo.Document>;
  private readonly random: RandomSource;

  constructor(private readonly deps: ResearchDeps) {
    const { connection } = deps;
    this.consents = new ConsentStore(connection);
    this.cohort = new CohortReader(connection, deps.keyring, this.consents);
    this.ledger = new EpsilonLedger(connection);
    this.registry = new PolicyRegistry(deps.assembly);
    this.options = { queriesPerMinute: 30, ...deps.options };
    this.requests = connection.collection('research_requests');
    this.queries = connection.collection('research_queries');
    this.policyKeys = connection.collection('policy_keys');
    this.throttle = connection.collection('research_throttle');
    this.insightsCache = connection.collection('cohort_insights');
    this.claims = connection.collection('claims');
    this.random = deps.random ?? cryptoRandomSource();
  }

  // ---- consent --------------------------------------------------------------------------------------------

  /** The member's consent in force now and the list of versions (times only). */
  async consentOf(memberId: string, now: Date) {
    const history = await this.consents.history(memberId, await this.deps.vault.memberKey(memberId));
    const current = consentInForce(history, now);
    const inForce = history.filter((v) => new Date(v.recordedAt).getTime() <= now.getTime()).at(-1);
    return {
      consent: current,
      version: inForce?.version ?? 0,
      recordedAt: inForce?.recordedAt ?? null,
      history: history.map((v) => ({ version: v.version, recordedAt: v.recordedAt })),
    };
  }

  /** Records a new version of the member's consent (the whole consent as it stands from now on); audited. */
  async changeConsent(memberId: string, body: unknown, now: Date) {
    const parsed = parseConsent(body);
    if (!parsed.ok) throw new InvalidRequest('invalid_consent', 'The consent is not valid.', [...parsed.problems]);
    const key = await this.deps.vault.memberKey(memberId);
    const version = await this.consents.record(memberId, key, parsed.consent, now);
    await this.deps.audit.append('consent.changed', this.pseudonym(memberId), { version: version.version }, now);
    return this.consentOf(memberId, now);
  }

  // ---- requests and proposals -----------------------------------------------------------------------------

  /** A verified researcher files an access request; it must make a valid policy under the bylaws in force. */
  async fileRequest(actor: Actor, input: ResearchRequestInput, now: Date): Promise<ResearchRequestDocument> {
    if (!actor.researcherVerified) throw new Forbidden('researcher_not_verified', 'A steward must verify you first.');
    const policy = await this.policyFromRequest('pending', actor.userId, input, now);
    // A not-for-profit use (DUO NPU, NPUNCU) is only credible from an organisation a steward verified as non-profit.
    if (isNotForProfitUse(policy.duo)) {
      const user = await userModel(this.deps.connection).findById(actor.userId, { researcher: 1 }).lean();
      if (user?.researcher?.nonProfit !== true) {
        throw new Forbidden(
          'organisation_not_non_profit',
          'Your organisation is not verified as non-profit (DUO NPU).',
        );
      }
    }
    const document: ResearchRequestDocument = {
      _id: randomUUID(),
      researcherId: actor.userId,
      request: input,
      createdAt: now,
    };
    await this.requests.insertOne(document);
    await this.deps.audit.append('research.request.filed', actor.userId, { requestId: document._id }, now);
    return document;
  }

  /** Requests: a researcher sees their own, a steward sees all. */
  async listRequests(actor: Actor): Promise<ResearchRequestDocument[]> {
    const filter = actor.role === 'steward' ? {} : { researcherId: actor.userId };
    return this.requests.find(filter).sort({ createdAt: -1 }).limit(500).toArray();
  }

  /** One request; another researcher's is 404. */
  async getRequest(actor: Actor, id: string): Promise<ResearchRequestDocument> {
    const document = await this.requests.findOne({ _id: id });
    if (!document || (actor.role !== 'steward' && document.researcherId !== actor.userId)) throw new NotFound();
    return document;
  }

  /** A steward turns a request into an access-policy draft (once), with the impact preview of its policy. */
  async proposeRequest(
    id: string,
    stewardId: string,
    now: Date,
  ): Promise<{ proposal: ProposalView; impact: ImpactPreview }> {
    const document = await this.requests.findOne({ _id: id });
    if (!document) throw new NotFound();
    const policyId = randomUUID();
    const policy = await this.policyFromRequest(policyId, document.researcherId, document.request, now);
    if (!(await claimOnce(this.claims, `research-request:${id}`, { at: now }))) {
      throw new Conflict('request_already_proposed', 'This request has already been turned into a proposal.');
    }
    let proposal: ProposalView;
    try {
      proposal = await this.deps.assembly.createDraft(
        {
          kind: 'access-policy',
          title: document.request.title,
          summary: document.request.purpose,
          targetPolicyId: policyId,
          policy: policy as unknown as Record<string, unknown>,
        },
        stewardId,
        now,
      );
    } catch (error) {
      await this.claims.deleteOne({ _id: `research-request:${id}` as never }).catch(() => {});
      throw error;
    }
    await this.requests.updateOne(
      { _id: id },
      { $set: { proposalId: proposal.proposal._id, policyId, proposedAt: now } },
    );
    await this.deps.audit.append(
      'research.request.proposed',
      stewardId,
      { requestId: id, proposalId: proposal.proposal._id, policyId },
      now,
    );
    return { proposal, impact: await this.impact(policy, now) };
  }

  /** The impact preview of an access-policy proposal as of now: counts per category, never who. */
  async proposalImpact(
    proposalId: string,
    viewer: 'steward' | 'member' | 'researcher',
    now: Date,
  ): Promise<ImpactPreview> {
    const view = await this.deps.assembly.get(proposalId, now, viewer);
    const content = view.transition?.content ?? view.proposal.content;
    const parsed = parseAccessPolicy(content.policy);
    if (view.proposal.kind !== 'access-policy' || !parsed.ok) {
      throw new InvalidRequest('not_an_access_policy', 'This proposal carries no valid access policy.');
    }
    return this.impact(parsed.policy, now);
  }

  /** How many members' data each category of `policy` would cover now, and whether cells can reach minCellSize. */
  async impact(policy: AccessPolicy, now: Date): Promise<ImpactPreview> {
    const members = await this.cohort.members();
    const from = new Date(policy.period.from);
    const to = new Date(policy.period.to);
    const categories: CategoryImpact[] = [];
    for (const category of policy.categories) {
      const included = members.filter((m) => memberIncluded(m.history, policy, category, now).included);
      const withData = (await this.cohort.chunkRefs(included, category, from, to)).size;
      categories.push({ category, members: withData, minCellSizeMet: withData >= policy.minCellSize });
    }
    return { policyId: policy.id, at: now, minCellSize: policy.minCellSize, categories };
  }

  // ---- policies -------------------------------------------------------------------------------------------

  /** Approved policies with their status now; keys of ended policies are destroyed on the way. */
  async listPolicies(now: Date, status: 'active' | 'all'): Promise<ApprovedPolicy[]> {
    const all = await this.registry.list(now);
    const ended = all.filter((p) => p.status !== 'active').map((p) => p.policy.id);
    if (ended.length > 0) await this.policyKeys.deleteMany({ _id: { $in: ended } });
    return status === 'all' ? all : all.filter((p) => p.status === 'active');
  }

  /** Budget of a policy: total and remaining, in ε. */
  async budgetOf(policy: AccessPolicy): Promise<{ total: number; remaining: number }> {
    const total = policyBudgetMicro(policy);
    return { total: microToEpsilon(total), remaining: microToEpsilon(await this.ledger.remaining(policy.id, total)) };
  }

  // ---- queries --------------------------------------------------------------------------------------------

  /**
   * Runs one aggregate query: decide, audit the decision, debit ε, then read the consenting members' data in
   * scope and release suppressed, noisy cells. A denial is audited too and answered with its reason code.
   */
  async query(actor: Actor, input: QueryInput, now: Date): Promise<QueryAnswer> {
    await this.rateLimit(actor.userId, now);
    const approved = await this.registry.find(input.policyId, now);
    if (approved && approved.status !== 'active') await this.policyKeys.deleteOne({ _id: approved.policy.id });
    const request: AccessRequest = {
      researcherId: actor.userId,
      policyId: input.policyId,
      category: input.category,
      statistic: input.statistic,
      groupBy: input.groupBy ?? [],
      ...(input.from !== undefined && { from: input.from }),
      ...(input.to !== undefined && { to: input.to }),
      ...(input.epsilon !== undefined && { epsilon: input.epsilon }),
      level: 'aggregate',
    };
    let decision = await this.decideRequest(actor, approved, request, now);
    const category = findCategory(input.category);
    if (decision.decision === 'allow' && category && category.components.length > 1) {
      // Components share the query's ε; each mean needs two micro-ε.
      if (decision.epsilonMicro < 2 * category.components.length) decision = denyFrom(decision, 'invalid_epsilon');
    }
    const queryId = randomUUID();
    const subject = { queryId, policyId: input.policyId, category: input.category, statistic: input.statistic };
    if (decision.decision === 'deny' || !approved || !category) {
      await this.auditDecision(actor, subject, decision, now);
      throw refusal(decision.decision === 'deny' ? decision.reason : 'invalid_request');
    }
    const policy = approved.policy;
    const debit = await this.ledger.debit(policy.id, policyBudgetMicro(policy), decision.epsilonMicro, queryId, now);
    if (!debit.ok) {
      await this.auditDecision(actor, subject, denyFrom(decision, debit.reason), now);
      throw refusal(debit.reason);
    }
    await this.auditDecision(actor, { ...subject, ledgerPosition: debit.position }, decision, now);

    // Released from here on: only members whose consent in force now includes them, only data in scope.
    const from = new Date(decision.period.from);
    const to = new Date(decision.period.to);
    const snapshot = await this.cohort.snapshot(category.code, from, to);
    const included = snapshot.members.filter(
      (m) => memberIncluded(m.history, policy, category.code, now, 'aggregate').included,
    );
    const components = category.components.length > 0 ? category.components : [null];
    const epsilonEach = Math.floor(decision.epsilonMicro / components.length);
    const contributors = new Set<string>();
    const groups = new Map<string, ReturnType<typeof groupValuesOf>>();
    const results: QueryAnswer['results'] = [];
    for (const component of components) {
      const values = this.cohort.valuesIn(snapshot, included, component?.name);
      const series: MemberSeries[] = [];
      for (const member of included) {
        const own = values.get(member.id);
        if (!own) continue;
        contributors.add(member.id);
        let group = groups.get(member.id);
        if (!group) groups.set(member.id, (group = groupValuesOf(this.cohort.profileOf(member), now)));
        series.push({ memberId: member.id, groups: group, values: own });
      }
      const release = releaseAggregate({
        statistic: policy.statistics.find((s) => s === input.statistic)!,
        groupBy: (input.groupBy ?? []) as GroupByDimension[],
        members: series,
        range: component?.plausibleRange ?? category.plausibleRange,
        decimals: category.decimals,
        minCellSize: policy.minCellSize,
        epsilonMicro: epsilonEach,
        random: this.random,
      });
      results.push({ component: component?.name ?? null, cells: release.cells });
    }
    await this.recordUse('query', queryId, policy, actor.userId, category.code, input.statistic, contributors, now);
    return {
      queryId,
      policyId: policy.id,
      policyVersion: policy.version,
      category: category.code,
      statistic: input.statistic,
      groupBy: input.groupBy ?? [],
      period: decision.period,
      epsilonSpent: microToEpsilon(decision.epsilonMicro),
      remainingEpsilon: microToEpsilon(debit.remainingMicro),
      minCellSize: policy.minCellSize,
      results,
    };
  }

  /** Audits a query body that failed validation (operators, oversized fields): nothing was decided or released. */
  async refuseInvalid(actor: Actor, details: { field: string; code: string }[], now: Date): Promise<void> {
    // Counted like any query, so malformed requests cannot flood the audit chain.
    await this.rateLimit(actor.userId, now);
    await this.appendOrFail(
      'research.decision',
      actor.userId,
      {
        decision: 'deny',
        reason: 'invalid_request',
        policyVersion: null,
        fields: details.slice(0, 20).map((d) => `${d.field.slice(0, 64)}:${d.code.slice(0, 32)}`),
      },
      now,
    );
  }

  // ---- pseudonymised export -------------------------------------------------------------------------------

  /** Record-level export under per-study pseudonyms, if the policy allows it; audited before anything leaves. */
  async exportRecords(
    actor: Actor,
    policyId: string,
    input: { category: string; from?: string | undefined; to?: string | undefined },
    now: Date,
  ): Promise<{ policyId: string; policyVersion: number; category: string; records: PseudonymisedRecord[] }> {
    await this.rateLimit(actor.userId, now);
    const approved = await this.registry.find(policyId, now);
    if (approved && approved.status !== 'active') await this.policyKeys.deleteOne({ _id: policyId });
    const request: AccessRequest = {
      researcherId: actor.userId,
      policyId,
      category: input.category,
      ...(input.from !== undefined && { from: input.from }),
      ...(input.to !== undefined && { to: input.to }),
      level: 'pseudonymised',
    };
    const decision = await this.decideRequest(actor, approved, request, now);
    const queryId = randomUUID();
    const subject = { queryId, policyId, category: input.category, export: true };
    await this.auditDecision(actor, subject, decision, now);
    if (decision.decision === 'deny' || !approved)
      throw refusal(decision.decision === 'deny' ? decision.reason : 'invalid_request');
    const policy = approved.policy;
    const policyKey = await this.policyKey(policyId, now);
    const from = new Date(decision.period.from);
    const to = new Date(decision.period.to);
    const included = (await this.cohort.members()).filter(
      (m) => memberIncluded(m.history, policy, input.category, now, 'pseudonymised').included,
    );
    const refs = await this.cohort.chunkRefs(included, input.category, from, to);
    const documents = await this.cohort.sealedChunks(refs);
    const byId = new Map(included.map((m) => [m.id, m]));
    const records: PseudonymisedRecord[] = [];
    const contributors = new Set<string>();
    for (const [memberId, list] of refs) {
      const member = byId.get(memberId)!;
      const groups = groupValuesOf(this.cohort.profileOf(member), now);
      for (const ref of list) {
        const document = documents.get(ref.id);
        if (!document) continue;
        const meta: ChunkMeta = { id: document._id, memberId, category: document.category, month: document.month };
        for (const observation of openChunk(member.key, meta, toBuffer(document.sealed))) {
          const at = Date.parse(observation.effectiveAt);
          if (at < from.getTime() || at >= to.getTime()) continue;
          contributors.add(memberId);
          records.push(pseudonymiseObservation(observation, memberId, policyKey, policy.deidentification, groups));
        }
      }
    }
    // Sorted by pseudonym then date, so the order says nothing about members' ids or upload order.
    records.sort((a, b) => a.pseudonym.localeCompare(b.pseudonym) || a.effective.localeCompare(b.effective));
    await this.recordUse('export', queryId, policy, actor.userId, input.category, null, contributors, now);
    return { policyId, policyVersion: policy.version, category: input.category, records };
  }

  /** The researcher's own answered queries and exports, newest first (no contributor data). */
  async queryHistory(researcherId: string) {
    const records = await this.queries
      .find({ researcherId }, { projection: { contributors: 0 } })
      .sort({ at: -1 })
      .limit(1000)
      .toArray();
    return records.map((r) => ({
      queryId: r._id,
      kind: r.kind,
      policyId: r.policyId,
      policyVersion: r.policyVersion,
      category: r.category,
      statistic: r.statistic,
      at: r.at.toISOString(),
    }));
  }

  // ---- the member's view ----------------------------------------------------------------------------------

  /** Every query and export that used the member's data, newest first. */
  async accessLog(memberId: string, now: Date): Promise<AccessLogEntry[]> {
    const policies = await this.registry.list(now);
    if (policies.length === 0) return [];
    const byId = new Map(policies.map((p) => [p.policy.id, p]));
    const tokens = new Map(policies.map((p) => [p.policy.id, this.contributorToken(p.policy.id, memberId)]));
    const records = await this.queries.find({ policyId: { $in: [...byId.keys()] } }).toArray();
    const entries: AccessLogEntry[] = [];
    for (const record of records) {
      const token = tokens.get(record.policyId);
      if (!token || !containsToken(toBuffer(record.contributors), token)) continue;
      const approved = byId.get(record.policyId)!;
      entries.push({
        queryId: record._id,
        kind: record.kind,
        policyId: record.policyId,
        study: approved.title,
        purpose: approved.policy.purpose,
        category: record.category,
        statistic: record.statistic,
        at: record.at,
        decision: 'allow',
      });
    }
    return entries.sort((a, b) => b.at.getTime() - a.at.getTime());
  }

  /** The member's recent value against percentile bands of the consenting cohort (same suppression as research). */
  async insights(memberId: string, code: string, now: Date) {
    const category = findCategory(code);
    if (!category) throw new InvalidRequest('unknown_category', `There is no category "${code}".`);
    const from = new Date(now.getTime() - INSIGHT_WINDOW_MS);
    const key = await this.deps.vault.memberKey(memberId);
    const self: CohortMember = { id: memberId, key, history: [], sealedProfile: Buffer.alloc(0) };
    const cohort = await this.cohortBands(category, now);
    const components = category.components.length > 0 ? category.components : [null];
    const result = [];
    for (const component of components) {
      const own = (await this.cohort.values([self], category.code, from, now, component?.name)).get(memberId) ?? [];
      const value = memberValue(own, component?.plausibleRange ?? category.plausibleRange);
      const bands = cohort.components.find((c) => c.component === (component?.name ?? null))?.quantiles ?? null;
      result.push({
        component: component?.name ?? null,
        own: value === undefined ? null : Number(value.toFixed(category.decimals)),
        bands,
        position: value === undefined || !bands ? null : bandOf(value, bands),
      });
    }
    return {
      category: category.code,
      unit: category.unit,
      window: { from: from.toISOString(), to: now.toISOString() },
      suppressed: cohort.suppressed,
      message: cohort.suppressed ? 'Not enough members consented yet.' : null,
      computedAt: cohort.computedAt,
      components: result,
    };
  }

  // ---- helpers --------------------------------------------------------------------------------------------

  private async decideRequest(
    actor: Actor,
    approved: ApprovedPolicy | null,
    request: AccessRequest,
    now: Date,
  ): Promise<Decision> {
    if (!approved) return decideWithoutPolicy(actor.researcherVerified);
    const remaining = await this.ledger.remaining(approved.policy.id, policyBudgetMicro(approved.policy));
    return decide(request, approved.policy, {
      now,
      policyStatus: approved.status,
      researcherVerified: actor.researcherVerified,
      budgetRemainingMicro: remaining,
    });
  }

  private async auditDecision(actor: Actor, subject: Record<string, unknown>, decision: Decision, now: Date) {
    await this.appendOrFail(
      'research.decision',
      actor.userId,
      {
        ...subject,
        decision: decision.decision,
        reason: decision.reason,
        policyVersion: decision.policyVersion,
        ...(decision.decision === 'allow' && { epsilonMicro: decision.epsilonMicro, period: decision.period }),
      },
      now,
    );
  }

  /** Fail closed: if the decision cannot be written, nothing is released and the caller sees 503. */
  private async appendOrFail(type: string, actor: string, data: Record<string, unknown>, now: Date): Promise<void> {
    try {
      await this.deps.audit.append(type, actor, data, now);
    } catch {
      throw new AppError(
        503,
        'audit_unavailable',
        'The decision could not be recorded; nothing was released.',
        undefined,
        {
          'Retry-After': '5',
        },
      );
    }
  }

  private async rateLimit(researcherId: string, now: Date): Promise<void> {
    const start = Math.floor(now.getTime() / WINDOW_MS) * WINDOW_MS;
    const slot = await takeSlot(this.throttle, `research:${researcherId}:${start}`, this.options.queriesPerMinute, {
      expiresAt: new Date(start + WINDOW_MS),
    });
    if (slot === null) throw new TooManyRequests((start + WINDOW_MS - now.getTime()) / 1000);
    if (slot === 1) this.throttle.deleteMany({ expiresAt: { $lt: new Date(start) } }).catch(() => {});
  }

  private async recordUse(
    kind: 'query' | 'export',
    queryId: string,
    policy: AccessPolicy,
    researcherId: string,
    category: string,
    statistic: string | null,
    contributors: Set<string>,
    now: Date,
  ): Promise<void> {
    const tokens = [...contributors].map((id) => this.contributorToken(policy.id, id)).sort(Buffer.compare);
    await this.queries.insertOne({
      _id: queryId,
      kind,
      policyId: policy.id,
      policyVersion: policy.version,
      researcherId,
      category,
      statistic,
      at: now,
      contributors: Buffer.concat(tokens),
    });
  }

  private contributorToken(policyId: string, memberId: string): Buffer {
    return Buffer.from(this.deps.keyring.blindIndex('access-log', `${policyId}\u001f${memberId}`), 'hex').subarray(
      0,
      TOKEN_BYTES,
    );
  }

  private pseudonym(memberId: string): string {
    return `member:${this.deps.keyring.blindIndex('audit-member', memberId).slice(0, 32)}`;
  }

  /** The per-policy pseudonym key: random, stored wrapped by the master key, created once (unique insert). */
  private async policyKey(policyId: string, now: Date): Promise<Buffer> {
    const id = `policy-key:${policyId}`;
    const existing = await this.policyKeys.findOne({ _id: policyId });
    if (existing) return this.deps.keyring.unwrapServiceSecret(id, toBuffer(existing.wrapped));
    const secret = randomBytes(POLICY_KEY_BYTES);
    const wrapped = this.deps.keyring.wrapServiceSecret(id, secret);
    if (
      await claimOnce(this.policyKeys as unknown as mongo.Collection<mongo.Document>, policyId, {
        wrapped,
        createdAt: now,
      })
    ) {
      return secret;
    }
    const winner = await this.policyKeys.findOne({ _id: policyId });
    if (!winner) throw new ServiceUnavailable();
    return this.deps.keyring.unwrapServiceSecret(id, toBuffer(winner.wrapped));
  }

  private async policyFromRequest(
    policyId: string,
    grantee: string,
    input: ResearchRequestInput,
    now: Date,
  ): Promise<AccessPolicy> {
    const bylaws = (await this.deps.assembly.bylawsInForce(now)).bylaws;
    const candidate = {
      id: policyId,
      version: 1,
      grantee,
      purpose: input.purpose,
      duo: input.duo,
      ...(input.ethicsApproval !== undefined && { ethicsApproval: input.ethicsApproval }),
      categories: input.categories,
      level: input.level,
      statistics: input.statistics,
      groupBy: input.groupBy,
      period: input.period,
      validUntil: input.validUntil,
      epsilonBudget: input.epsilon,
      minCellSize: input.minCellSize ?? bylaws.privacy.minCellSize,
      ...(input.deidentification !== undefined && { deidentification: input.deidentification }),
    };
    const parsed = parseAccessPolicy(JSON.parse(JSON.stringify(candidate)), bylaws);
    if (!parsed.ok)
      throw new InvalidRequest('invalid_request', 'The request does not make a valid policy.', [...parsed.problems]);
    if (Date.parse(parsed.policy.validUntil) <= now.getTime()) {
      throw new InvalidRequest('invalid_request', 'validUntil must be in the future.', [
        { field: 'validUntil', code: 'in_the_past', message: 'validUntil must be in the future.' },
      ]);
    }
    return parsed.policy;
  }

  /** Percentile bands of consenting members, computed at most once per category and UTC day (one release a day). */
  private async cohortBands(category: Category, now: Date): Promise<InsightRecord> {
    const id = `${category.code}:${now.toISOString().slice(0, 10)}`;
    const cached = await this.insightsCache.findOne({ _id: id });
    if (cached) return cached;
    const bylaws = (await this.deps.assembly.bylawsInForce(now)).bylaws;
    const from = new Date(now.getTime() - INSIGHT_WINDOW_MS);
    const consenting = (await this.cohort.members()).filter(
      (m) => levelFor(consentInForce(m.history, now), category.code) !== 'none',
    );
    const components = category.components.length > 0 ? category.components : [null];
    const epsilon = toMicroEpsilon(bylaws.privacy.defaultEpsilon) ?? 1_000_000;
    let suppressed = false;
    const results: InsightRecord['components'] = [];
    for (const component of components) {
      const values = await this.cohort.values(consenting, category.code, from, now, component?.name);
      const series: MemberSeries[] = [...values].map(([memberId, own]) => ({
        memberId,
        groups: groupValuesOf({}, now),
        values: own,
      }));
      const release = releaseAggregate({
        statistic: 'quantiles',
        groupBy: [],
        members: series,
        range: component?.plausibleRange ?? category.plausibleRange,
        decimals: category.decimals,
        minCellSize: bylaws.privacy.minCellSize,
        epsilonMicro: Math.max(2, Math.floor(epsilon / components.length)),
        random: this.random,
      });
      const cell = release.cells[0];
      if (!cell || cell.suppressed) suppressed = true;
      results.push({
        component: component?.name ?? null,
        quantiles: cell && !cell.suppressed && cell.quantiles ? [...cell.quantiles] : null,
      });
    }
    const record: InsightRecord = {
      _id: id,
      computedAt: now,
      suppressed,
      components: suppressed ? results.map((r) => ({ ...r, quantiles: null })) : results,
    };
    try {
      await this.insightsCache.insertOne(record);
      return record;
    } catch {
      return (await this.insightsCache.findOne({ _id: id })) ?? record;
    }
  }
}

/** The response to a denial: 400 for a malformed request, 409 for an exhausted budget, 403 otherwise. */
function refusal(reason: string): AppError {
  const status = denialStatus(reason);
  return new AppError(status, reason, refusalMessages[reason] ?? 'The policy does not allow this request.');
}

function denyFrom(decision: Decision, reason: 'invalid_epsilon' | 'budget_exhausted'): Decision {
  return { decision: 'deny', reason, policyVersion: decision.policyVersion };
}

const refusalMessages: Record<string, string> = {
  budget_exhausted: 'The policy has not enough privacy budget left for this query.',
  researcher_not_verified: 'A steward must verify you first.',
  not_grantee: 'You are not the grantee of this policy.',
  policy_revoked: 'The assembly revoked this policy.',
  policy_expired: 'This policy has expired.',
  policy_not_active: 'There is no active policy with this id.',
};

function containsToken(list: Buffer, token: Buffer): boolean {
  let low = 0;
  let high = list.length / TOKEN_BYTES - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const cmp = Buffer.compare(list.subarray(mid * TOKEN_BYTES, (mid + 1) * TOKEN_BYTES), token);
    if (cmp === 0) return true;
    if (cmp < 0) low = mid + 1;
    else high = mid - 1;
  }
  return false;
}

// Where a value sits among the released quantiles: 'below p10', 'p10-p25', …, 'above p90'.
function bandOf(value: number, quantiles: readonly { level: number; value: number }[]): string {
  const label = (level: number) => `p${Math.round(level * 100)}`;
  const first = quantiles[0];
  if (!first || value < first.value) return `below ${label(QUANTILE_LEVELS[0])}`;
  for (let i = 1; i < quantiles.length; i++) {
    const q = quantiles[i]!;
    if (value < q.value) return `${label(quantiles[i - 1]!.level)}-${label(q.level)}`;
  }
  return `above ${label(quantiles.at(-1)!.level)}`;
}

export type { Consent };
