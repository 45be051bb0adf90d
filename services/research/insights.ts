// Cohort insights for a member: their own recent value against percentile bands of the consenting cohort,
// released under the same suppression and noise as research, at most once per category and UTC day.
import { type Category, findCategory } from '../../policies/observations/catalogue.js';
import { consentInForce, levelFor } from '../../policies/research/consent.js';
import { toMicroEpsilon } from '../../policies/research/access-policy.js';
import { groupValuesOf } from '../../policies/research/group-by.js';
import { memberValue, QUANTILE_LEVELS, type MemberSeries, releaseAggregate } from '../../policies/research/privacy.js';
import { InvalidRequest } from '../errors.js';
import { monthOf } from '../vault/chunk-codec.js';
import type { ResearchContext } from './research-context.js';

export interface InsightRecord {
  _id: string;
  computedAt: Date;
  suppressed: boolean;
  components: { component: string | null; quantiles: { level: number; value: number }[] | null }[];
}

const INSIGHT_WINDOW_MS = 30 * 86_400_000;

/** The member's recent value against percentile bands of the consenting cohort (same suppression as research). */
export async function insights(ctx: ResearchContext, memberId: string, code: string, now: Date) {
  const category = findCategory(code);
  if (!category) throw new InvalidRequest('unknown_category', `There is no category "${code}".`);
  const from = new Date(now.getTime() - INSIGHT_WINDOW_MS);
  const key = await ctx.deps.vault.memberKey(memberId);
  // The member's own values through their vault (their directory and chunks only, kept per process once opened),
  // not through the cohort reader, which reads every member's directory.
  const [cohort, rows] = await Promise.all([
    cohortBands(ctx, category, now),
    ctx.deps.vault.store.read(memberId, key, {
      category: category.code,
      fromMonth: monthOf(from.toISOString()),
      toMonth: monthOf(now.toISOString()),
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
    message: cohort.suppressed ? 'Not enough members consented yet.' : null,
    computedAt: cohort.computedAt,
    components: result,
  };
}

/** Percentile bands of consenting members, computed at most once per category and UTC day (one release a day). */
async function cohortBands(ctx: ResearchContext, category: Category, now: Date): Promise<InsightRecord> {
  const id = `${category.code}:${now.toISOString().slice(0, 10)}`;
  const cached = await ctx.insightsCache.findOne({ _id: id });
  if (cached) return cached;
  const bylaws = (await ctx.deps.assembly.bylawsInForce(now)).bylaws;
  const from = new Date(now.getTime() - INSIGHT_WINDOW_MS);
  const consenting = (await ctx.cohort.members()).filter(
    (m) => levelFor(consentInForce(m.history, now), category.code) !== 'none',
  );
  const components = category.components.length > 0 ? category.components : [null];
  const epsilon = toMicroEpsilon(bylaws.privacy.defaultEpsilon) ?? 1_000_000;
  let suppressed = false;
  const results: InsightRecord['components'] = [];
  for (const component of components) {
    const values = await ctx.cohort.values(consenting, category.code, from, now, component?.name);
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
      random: ctx.random,
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
    await ctx.insightsCache.insertOne(record);
    return record;
  } catch {
    return (await ctx.insightsCache.findOne({ _id: id })) ?? record;
  }
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
