// Aggregate queries in the order of spec §2: decide → audit the decision → debit ε → only then read the consenting
// members' data in scope and release suppressed, noisy cells; a malformed query is audited as a denial too.
import { randomUUID } from 'node:crypto';
import { policyBudgetMicro } from '../../policies/research/access-policy.js';
import { findCategory } from '../../policies/observations/catalogue.js';
import { memberIncluded } from '../../policies/research/consent.js';
import type { AccessRequest } from '../../policies/research/decide.js';
import { groupValuesOf, type GroupByDimension } from '../../policies/research/group-by.js';
import {
  type MemberSeries,
  microToEpsilon,
  type ReleasedCell,
  releaseAggregate,
} from '../../policies/research/privacy.js';
import type { Actor } from '../auth/actor.js';
import { appendOrFail, auditDecision, decideRequest, denyFrom, rateLimit, refusal } from './decision-gate.js';
import type { ResearchContext } from './research-context.js';
import { recordUse } from './use-records.js';

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

/**
 * Runs one aggregate query: decide, audit the decision, debit ε, then read the consenting members' data in
 * scope and release suppressed, noisy cells. A denial is audited too and answered with its reason code.
 */
export async function query(ctx: ResearchContext, actor: Actor, input: QueryInput, now: Date): Promise<QueryAnswer> {
  await rateLimit(ctx, actor.userId, now);
  const approved = await ctx.registry.find(input.policyId, now);
  if (approved && approved.status !== 'active') await ctx.policyKeys.deleteOne({ _id: approved.policy.id });
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
  let decision = await decideRequest(ctx, actor, approved, request, now);
  const category = findCategory(input.category);
  if (decision.decision === 'allow' && category && category.components.length > 1) {
    // Components share the query's ε; each mean needs two micro-ε.
    if (decision.epsilonMicro < 2 * category.components.length) decision = denyFrom(decision, 'invalid_epsilon');
  }
  const queryId = randomUUID();
  const subject = { queryId, policyId: input.policyId, category: input.category, statistic: input.statistic };
  if (decision.decision === 'deny' || !approved || !category) {
    await auditDecision(ctx, actor, subject, decision, now);
    throw refusal(decision.decision === 'deny' ? decision.reason : 'invalid_request');
  }
  const policy = approved.policy;
  const debit = await ctx.ledger.debit(policy.id, policyBudgetMicro(policy), decision.epsilonMicro, queryId, now);
  if (!debit.ok) {
    await auditDecision(ctx, actor, subject, denyFrom(decision, debit.reason), now);
    throw refusal(debit.reason);
  }
  await auditDecision(ctx, actor, { ...subject, ledgerPosition: debit.position }, decision, now);

  // Released from here on: only members whose consent in force now includes them, only data in scope.
  const from = new Date(decision.period.from);
  const to = new Date(decision.period.to);
  const snapshot = await ctx.cohort.snapshot(category.code, from, to);
  const included = snapshot.members.filter(
    (m) => memberIncluded(m.history, policy, category.code, now, 'aggregate').included,
  );
  const components = category.components.length > 0 ? category.components : [null];
  const epsilonEach = Math.floor(decision.epsilonMicro / components.length);
  const contributors = new Set<string>();
  const groups = new Map<string, ReturnType<typeof groupValuesOf>>();
  const results: QueryAnswer['results'] = [];
  for (const component of components) {
    const values = ctx.cohort.valuesIn(snapshot, included, component?.name);
    const series: MemberSeries[] = [];
    for (const member of included) {
      const own = values.get(member.id);
      if (!own) continue;
      contributors.add(member.id);
      let group = groups.get(member.id);
      if (!group) groups.set(member.id, (group = groupValuesOf(ctx.cohort.profileOf(member), now)));
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
      random: ctx.random,
    });
    results.push({ component: component?.name ?? null, cells: release.cells });
  }
  await recordUse(ctx, 'query', queryId, policy, actor.userId, category.code, input.statistic, contributors, now);
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
export async function refuseInvalid(
  ctx: ResearchContext,
  actor: Actor,
  details: { field: string; code: string }[],
  now: Date,
): Promise<void> {
  // Counted like any query, so malformed requests cannot flood the audit chain.
  await rateLimit(ctx, actor.userId, now);
  await appendOrFail(
    ctx,
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
