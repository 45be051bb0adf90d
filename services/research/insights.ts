// Cohort insights for a member: their own recent value against percentile bands of the consenting cohort,
// released under the same rule as research quantiles (release decided on a noisy member count), at most once per
// category and period of the bylaws' standing rule, paid from the category's yearly ε budget (issue 18).
import { type Category, findCategory } from '../../policies/observations/catalogue.js';
import { consentInForce, levelFor } from '../../policies/research/consent.js';
import { groupValuesOf } from '../../policies/research/group-by.js';
import {
  insightBudgetMicro,
  insightPeriodOf,
  insightReleaseCostMicro,
  insightRuleOf,
} from '../../policies/research/insight-budget.js';
import {
  discreteLaplaceHalfWidth,
  INTERVAL_LEVEL,
  memberValue,
  microToEpsilon,
  QUANTILE_LEVELS,
  type MemberSeries,
  type RandomSource,
  releaseAggregate,
} from '../../policies/research/privacy.js';
import type { Assembly } from '../assembly/index.js';
import { InvalidRequest } from '../errors.js';
import type { MemberDirectory } from '../members/index.js';
import type { Vault } from '../vault/index.js';
import { type CohortDeps, readCohort, valuesIn } from './cohort.js';
import { appendOrFail, type ResearchAudit, SERVICE_ACTOR } from './decision-gate.js';
import type { EpsilonLedger } from './epsilon-ledger.js';
import type { InsightCache } from './insight-cache.js';
import type { InsightRecord } from './research.model.js';

/** The member's insights in one category: per component, their own value, the bands and where they sit. */
export interface Insights {
  category: string;
  unit: string;
  window: { from: string; to: string };
  suppressed: boolean;
  message: string | null;
  /**
   * Who the comparison is with: the noisy count of members sharing the category that the release was decided on
   * (published with the bands at no further ε) and its 95 % interval; null when suppressed or not recorded.
   */
  cohort: { members: number; interval95: [number, number] } | null;
  /** When the bands shown were released (an earlier period's when this year's budget is spent). */
  computedAt: Date;
  /** What the comparison cost: ε of the release shown, of the category's yearly budget, and spent so far. */
  release: {
    periodId: string;
    fresh: boolean;
    epsilon: number;
    epsilonPerYear: number;
    spentThisYear: number;
    year: number;
  };
  components: {
    component: string | null;
    own: number | null;
    bands: { level: number; value: number }[] | null;
    position: string | null;
  }[];
}

export interface InsightDeps {
  vault: Pick<Vault, 'observationsOf'>;
  members: Pick<MemberDirectory, 'dataKeyOf'>;
  assembly: Pick<Assembly, 'bylawsInForce'>;
  cohort: CohortDeps;
  cache: InsightCache;
  ledger: Pick<EpsilonLedger, 'debit' | 'newest'>;
  audit: ResearchAudit;
  random: RandomSource;
}

const INSIGHT_WINDOW_MS = 30 * 86_400_000;

/** The member's recent value against percentile bands of the consenting cohort (released by the same noisy-count rule as research). */
export async function insights(deps: InsightDeps, memberId: string, code: string, now: Date): Promise<Insights> {
  const category = findCategory(code);
  if (!category) throw new InvalidRequest('unknown_category', `There is no category "${code}".`);
  const from = new Date(now.getTime() - INSIGHT_WINDOW_MS);
  const key = await deps.members.dataKeyOf(memberId);
  // The member's own values through their vault (their directory and chunks only, kept per process once opened),
  // not through the cohort read, which reads every member's directory.
  const [cohort, rows] = await Promise.all([
    cohortBands(deps, category, now),
    deps.vault.observationsOf(memberId, key, {
      category: category.code,
      fromMonth: from.toISOString().slice(0, 7),
      toMonth: now.toISOString().slice(0, 7),
    }),
  ]);
  const recent = rows.filter((row) => {
    const at = Date.parse(row.effectiveAt);
    return at >= from.getTime() && at < now.getTime();
  });
  const components = category.components.length > 0 ? category.components : [null];
  const result = [];
  for (const component of components) {
    const own = recent
      .map((row) => (component ? row.components?.[component.name] : row.value))
      .filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
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
    message: !cohort.suppressed
      ? null
      : cohort.epsilonMicro === 0
        ? 'No comparison yet: this year’s privacy budget for it is spent.'
        : 'Not enough members consented yet.',
    cohort: cohortSize(cohort, components.length),
    computedAt: cohort.computedAt,
    release: {
      periodId: cohort.periodId,
      fresh: cohort.fresh,
      epsilon: microToEpsilon(cohort.epsilonMicro),
      epsilonPerYear: microToEpsilon(cohort.budgetMicro),
      spentThisYear: microToEpsilon(cohort.spentMicro),
      year: cohort.year,
    },
    components: result,
  };
}

/**
 * Percentile bands of consenting members, released at most once per category and period under the bylaws' standing
 * rule: the one caller that claims the period debits the category's yearly ledger and releases; everyone else reads
 * that record. When the year's budget is spent the period shows the last release again (with its date).
 */
async function cohortBands(deps: InsightDeps, category: Category, now: Date): Promise<InsightRecord> {
  const bylaws = (await deps.assembly.bylawsInForce(now)).bylaws;
  const rule = insightRuleOf(bylaws.privacy);
  const period = insightPeriodOf(now, rule.period);
  const id = `${category.code}:${period.id}`;
  const cached = await deps.cache.find(id);
  if (cached) return cached;
  const ledgerId = `insights:${category.code}:${period.year}`;
  const budgetMicro = insightBudgetMicro(rule);
  if (!(await deps.cache.claimRelease(id, now))) {
    // Another request is releasing this period: its record, or (should it never come) the last one, unstored.
    const theirs = await deps.cache.awaitRecord(id);
    if (theirs) return theirs;
    return reshown(deps, { id, category: category.code, period, budgetMicro, ledgerId }, now);
  }
  const components = category.components.length > 0 ? category.components : [null];
  const costMicro = insightReleaseCostMicro(rule);
  const perComponent = Math.floor(costMicro / components.length);
  const debit =
    perComponent >= 2 ? await deps.ledger.debit(ledgerId, budgetMicro, costMicro, `insight:${id}`, now) : null;
  if (!debit?.ok) {
    return deps.cache.keep(await reshown(deps, { id, category: category.code, period, budgetMicro, ledgerId }, now));
  }
  // Audited before any member's data is read (fail closed: 503, and the period re-shows the last release).
  const audited = { category: category.code, period: period.id, epsilonMicro: costMicro, position: debit.position };
  await appendOrFail(deps.audit, 'research.insight.released', SERVICE_ACTOR, audited, now);
  const scope = { category: category.code, from: new Date(now.getTime() - INSIGHT_WINDOW_MS), to: now };
  const cohort = await readCohort(deps.cohort);
  const consenting = cohort.members.filter((m) => levelFor(consentInForce(m.history, now), category.code) !== 'none');
  let suppressed = false;
  const results: InsightRecord['components'] = [];
  const valuesPerComponent = await valuesIn(
    deps.cohort,
    consenting,
    scope,
    components.map((c) => c?.name),
  );
  for (const [c, component] of components.entries()) {
    const values = valuesPerComponent[c]!;
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
      epsilonMicro: perComponent,
      random: deps.random,
    });
    const cell = release.cells[0];
    if (!cell || cell.suppressed) suppressed = true;
    const released = cell && !cell.suppressed ? cell : null;
    results.push({
      component: component?.name ?? null,
      quantiles: released?.quantiles ? [...released.quantiles] : null,
      count: released?.count ?? null,
    });
  }
  return deps.cache.keep({
    _id: id,
    category: category.code,
    periodId: period.id,
    year: period.year,
    computedAt: now,
    fresh: true,
    suppressed,
    components: suppressed ? results.map((r) => ({ ...r, quantiles: null, count: null })) : results,
    epsilonMicro: costMicro,
    budgetMicro,
    spentMicro: budgetMicro - debit.remainingMicro,
  });
}

interface PeriodRef {
  id: string;
  category: string;
  period: { id: string; year: number };
  budgetMicro: number;
  ledgerId: string;
}

// The period's record when nothing new is released: the last release again (its bands, date and ε), or "not
// enough members" when there never was one; the budget figures are this year's.
async function reshown(deps: InsightDeps, ref: PeriodRef, now: Date): Promise<InsightRecord> {
  const [last, spent] = await Promise.all([deps.cache.lastRelease(ref.category), deps.ledger.newest(ref.ledgerId)]);
  const year = {
    periodId: ref.period.id,
    year: ref.period.year,
    budgetMicro: ref.budgetMicro,
    spentMicro: spent.spentMicro,
  };
  if (last) return { ...last, _id: ref.id, ...year, fresh: false };
  return {
    _id: ref.id,
    category: ref.category,
    ...year,
    computedAt: now,
    fresh: false,
    suppressed: true,
    components: [],
    epsilonMicro: 0,
  };
}

// The cohort's size as released with the first component's bands: its noisy member count (drawn with half of the
// component's share of ε, as releaseAggregate does for quantiles) and that count's 95 % interval.
function cohortSize(record: InsightRecord, componentCount: number): Insights['cohort'] {
  const members = record.suppressed ? null : (record.components[0]?.count ?? null);
  if (members === null) return null;
  const countMicro = Math.floor(Math.floor(record.epsilonMicro / componentCount) / 2);
  const w = discreteLaplaceHalfWidth(1, countMicro, 1 - INTERVAL_LEVEL);
  return { members, interval95: [Math.max(0, members - w), members + w] };
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
