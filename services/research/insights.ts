// Cohort insights for a member: their own recent value against percentile bands of the consenting cohort,
// released under the same rule as research quantiles (release decided on a noisy member count), at most once per category and UTC day.
import { type Category, findCategory } from '../../policies/observations/catalogue.js';
import { consentInForce, levelFor } from '../../policies/research/consent.js';
import { toMicroEpsilon } from '../../policies/research/access-policy.js';
import { groupValuesOf } from '../../policies/research/group-by.js';
import {
  memberValue,
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
import type { InsightCache } from './insight-cache.js';
import type { InsightRecord } from './research.model.js';

/** The member's insights in one category: per component, their own value, the bands and where they sit. */
export interface Insights {
  category: string;
  unit: string;
  window: { from: string; to: string };
  suppressed: boolean;
  message: string | null;
  computedAt: Date;
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
    message: cohort.suppressed ? 'Not enough members consented yet.' : null,
    computedAt: cohort.computedAt,
    components: result,
  };
}

/** Percentile bands of consenting members, computed at most once per category and UTC day (one release a day). */
async function cohortBands(deps: InsightDeps, category: Category, now: Date): Promise<InsightRecord> {
  const id = `${category.code}:${now.toISOString().slice(0, 10)}`;
  const cached = await deps.cache.find(id);
  if (cached) return cached;
  const bylaws = (await deps.assembly.bylawsInForce(now)).bylaws;
  const scope = { category: category.code, from: new Date(now.getTime() - INSIGHT_WINDOW_MS), to: now };
  const cohort = await readCohort(deps.cohort, scope);
  const consenting = cohort.members.filter((m) => levelFor(consentInForce(m.history, now), category.code) !== 'none');
  const components = category.components.length > 0 ? category.components : [null];
  const epsilon = toMicroEpsilon(bylaws.privacy.defaultEpsilon) ?? 1_000_000;
  let suppressed = false;
  const results: InsightRecord['components'] = [];
  for (const component of components) {
    const values = valuesIn(cohort, consenting, scope, component?.name);
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
      random: deps.random,
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
  return deps.cache.keep(record);
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
