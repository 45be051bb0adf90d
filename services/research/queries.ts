// Aggregate queries, in the order the code runs them: throttle → decide (the period widened to whole units) → debit ε
// → audit the decision (with its ledger position) → only then read the consenting members' data in scope and release
// noisy cells, each decided on a noisy member count (docs/research.md). An identical query pays again: nothing is
// cached, so averaging k answers costs k times its ε in the ledger. A
// denial (by the policy, the ε split or the ledger) is audited and answered with its reason code; if the audit
// entry of an allowed query cannot be written, nothing is released (503) and the debited ε stays spent. A
// malformed query is audited as a denial too.
import { randomUUID } from 'node:crypto';
import { findCategory } from '../../policies/observations/catalogue.js';
import { policyBudgetMicro } from '../../policies/research/access-policy.js';
import { memberIncluded } from '../../policies/research/consent.js';
import type { AccessRequest } from '../../policies/research/decide.js';
import { splitEpsilon } from '../../policies/research/epsilon-split.js';
import { groupValuesOf, type GroupByDimension } from '../../policies/research/group-by.js';
import {
  type MemberSeries,
  microToEpsilon,
  type RandomSource,
  INTERVAL_LEVEL,
  type ReleasedCell,
  releaseAggregate,
  releaseRule,
} from '../../policies/research/privacy.js';
import type { Actor } from '../auth/index.js';
import type { MemberDirectory } from '../members/index.js';
import type { ApprovedPolicies } from './approved-policies.js';
import { type CohortDeps, readCohort, totalsIn } from './cohort.js';
import { appendOrFail, auditDecision, decideRequest, denyFrom, refusal, type ResearchAudit } from './decision-gate.js';
import type { EpsilonLedger } from './epsilon-ledger.js';
import type { QueryThrottle } from './query-throttle.js';
import type { UseRecords } from './use-records.js';

export interface QueryInput {
  policyId: string;
  category: string;
  statistic: string;
  groupBy?: string[] | undefined;
  from?: string | undefined;
  to?: string | undefined;
  epsilon?: number | undefined;
}

/** What an answered query returns (the route presents it). */
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
  /** How cells were released: the threshold τ on noisy member counts, in words, and the δ spent (always 0). */
  release: { threshold: number; rule: string; deltaSpent: 0; intervalLevel: number };
  /** One entry per component (blood pressure: systolic, diastolic); `component` is null for single values. */
  results: { component: string | null; cells: readonly ReleasedCell[] }[];
}

export interface QueryDeps {
  throttle: QueryThrottle;
  policies: ApprovedPolicies;
  ledger: EpsilonLedger;
  audit: ResearchAudit;
  cohort: CohortDeps;
  members: Pick<MemberDirectory, 'researchProfileOf'>;
  uses: UseRecords;
  random: RandomSource;
}

/**
 * Runs one aggregate query: decide, debit ε, audit the decision, then read the consenting members' data in scope
 * and release noisy cells, each decided on a noisy member count. A denial is audited too and answered with its reason code.
 */
export async function query(deps: QueryDeps, actor: Actor, input: QueryInput, now: Date): Promise<QueryAnswer> {
  await deps.throttle.take(actor.userId, now);
  const approved = await deps.policies.find(input.policyId, now);
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
  let decision = await decideRequest(deps.ledger, actor, approved, request, now);
  const category = findCategory(input.category);
  const split =
    decision.decision === 'allow' && category ? splitEpsilon(decision.epsilonMicro, category.components.length) : null;
  if (split && !split.ok) decision = denyFrom(decision, split.reason);
  const queryId = randomUUID();
  const subject = { queryId, policyId: input.policyId, category: input.category, statistic: input.statistic };
  if (decision.decision === 'deny' || !approved || !category || !split?.ok) {
    await auditDecision(deps.audit, actor, subject, decision, now);
    throw refusal(decision.decision === 'deny' ? decision.reason : 'invalid_request');
  }
  const policy = approved.policy;
  const debit = await deps.ledger.debit(policy.id, policyBudgetMicro(policy), decision.epsilonMicro, queryId, now);
  if (!debit.ok) {
    await auditDecision(deps.audit, actor, subject, denyFrom(decision, debit.reason), now);
    throw refusal(debit.reason);
  }
  await auditDecision(deps.audit, actor, { ...subject, ledgerPosition: debit.position }, decision, now);

  // Released from here on: only members whose consent in force now includes them, only data in scope.
  const scope = { category: category.code, from: new Date(decision.period.from), to: new Date(decision.period.to) };
  const cohort = await readCohort(deps.cohort);
  const included = cohort.members.filter(
    (m) => memberIncluded(m.history, policy, category.code, now, 'aggregate').included,
  );
  const statistic = policy.statistics.find((s) => s === input.statistic)!;
  const components = category.components.length > 0 ? category.components : [null];
  const contributors = new Set<string>();
  const groups = new Map<string, ReturnType<typeof groupValuesOf>>();
  const results: QueryAnswer['results'] = [];
  // Every statistic takes one value per member (their clamped mean): counts and exact sums are enough, read from
  // the chunks' sealed summaries where they answer (vault/cohort-reads.ts `cohortTotals`).
  const totalsPerComponent = await totalsIn(
    deps.cohort,
    included,
    scope,
    components.map((c) => ({ name: c?.name, range: c?.plausibleRange ?? category.plausibleRange })),
  );
  for (const [c, component] of components.entries()) {
    const totals = totalsPerComponent[c]!;
    const series: MemberSeries[] = [];
    for (const member of included) {
      const own = totals.get(member.id);
      if (!own) continue;
      contributors.add(member.id);
      let group = groups.get(member.id);
      if (!group) groups.set(member.id, (group = groupValuesOf(deps.members.researchProfileOf(member), now)));
      series.push({ memberId: member.id, groups: group, total: own });
    }
    const release = releaseAggregate({
      statistic,
      groupBy: (input.groupBy ?? []) as GroupByDimension[],
      members: series,
      range: component?.plausibleRange ?? category.plausibleRange,
      decimals: category.decimals,
      minCellSize: policy.minCellSize,
      epsilonMicro: split.eachMicro,
      random: deps.random,
    });
    results.push({ component: component?.name ?? null, cells: release.cells });
  }
  await deps.uses.record(
    {
      kind: 'query',
      queryId,
      policy,
      researcherId: actor.userId,
      category: category.code,
      statistic: input.statistic,
      contributors,
    },
    now,
  );
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
    release: {
      threshold: policy.minCellSize,
      rule: releaseRule(statistic, policy.minCellSize),
      deltaSpent: 0,
      intervalLevel: INTERVAL_LEVEL,
    },
    results,
  };
}

/** Audits a query body that failed validation (operators, oversized fields): nothing was decided or released. */
export async function refuseInvalid(
  deps: { throttle: QueryThrottle; audit: ResearchAudit },
  actor: Actor,
  details: { field: string; code: string }[],
  now: Date,
): Promise<void> {
  // Counted like any query, so malformed requests cannot flood the audit chain.
  await deps.throttle.take(actor.userId, now);
  await appendOrFail(
    deps.audit,
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
