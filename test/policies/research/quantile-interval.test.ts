// The quantiles' 95 % intervals (issue 13): over many noise draws, all five noiseless quantiles lie in their
// intervals at once at least 95 % of the time. The union bound makes the true rate ≥ 95 %, so the test fails
// falsely only if the observed rate falls 5.5 standard errors below 95 %: probability below 2·10⁻⁸.
import { describe, expect, it } from 'vitest';
import type { GroupValues } from '../../../policies/research/group-by.js';
import {
  type MemberSeries,
  QUANTILE_LEVELS,
  quantileIntervals,
  releaseAggregate,
} from '../../../policies/research/privacy.js';
import { seededRandom } from './research-builders.js';

const RANGE = { min: 20, max: 300 };
const TRIALS = 400;
const FLOOR = 0.95 - 5.5 * Math.sqrt((0.95 * 0.05) / TRIALS);

const groups = { sex: 'female', ageBand: 'unknown', region: 'unknown' } as GroupValues;

// The noiseless q-quantile as the bins see it: the smallest member value v with #{values ≤ v} ≥ q·n.
function trueQuantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

function coverage(values: number[], epsilonMicro: number): { all: number; inside: number } {
  const members: MemberSeries[] = values.map((v, i) => ({ memberId: `m${i}`, groups, values: [v] }));
  let all = 0;
  let inside = 0;
  for (let seed = 1; seed <= TRIALS; seed += 1) {
    const [cell] = releaseAggregate({
      statistic: 'quantiles',
      groupBy: [],
      members,
      range: RANGE,
      decimals: 0,
      minCellSize: 1,
      epsilonMicro,
      random: seededRandom(seed),
    }).cells;
    if (!cell || cell.suppressed) throw new Error('a cohort of this size at this ε is released');
    const quantiles = cell.quantiles!;
    if (
      QUANTILE_LEVELS.every((q, i) => {
        const [low, high] = quantiles[i]!.interval95;
        const truth = trueQuantile(values, q);
        return low <= truth && truth <= high;
      })
    )
      all += 1;
    if (quantiles.every((q) => q.interval95[0] <= q.value && q.value <= q.interval95[1])) inside += 1;
  }
  return { all: all / TRIALS, inside: inside / TRIALS };
}

describe('quantile intervals', () => {
  it.each([
    ['300 members, skewed, ε 1', Array.from({ length: 300 }, (_, i) => 50 + ((i * i) % 97)), 1_000_000],
    [
      '2,000 members, two clusters, ε 0.5',
      Array.from({ length: 2000 }, (_, i) => (i % 3 === 0 ? 180 : 60) + (i % 11)),
      500_000,
    ],
  ])('covers all five noiseless quantiles at once ≥ 95 % of the time (%s)', (_name, values, epsilonMicro) => {
    const { all, inside } = coverage(values, epsilonMicro);
    expect(all).toBeGreaterThanOrEqual(FLOOR);
    expect(inside).toBe(1);
  });

  it('is exact on noiseless bins: a bin-wide interval around the quantile when w is 0', () => {
    // ε so large that w = 0: the interval is the true quantile's bin (here bins of width 14 from 20).
    const bins = Array.from({ length: 20 }, (_, i) => (i === 3 ? 10 : i === 10 ? 10 : 0));
    const intervals = quantileIntervals(bins, 1_000_000_000, RANGE, 0);
    expect(intervals[0]).toEqual([62, 76]); // p10 in bin 3: [62, 76)
    expect(intervals[4]).toEqual([160, 174]); // p90 in bin 10
  });

  it('widens with the noise: a smaller ε never gives a narrower interval', () => {
    const bins = Array.from({ length: 20 }, (_, i) => (i >= 5 && i < 12 ? 40 : 0));
    const wide = quantileIntervals(bins, 100_000, RANGE, 0);
    const narrow = quantileIntervals(bins, 2_000_000, RANGE, 0);
    wide.forEach(([low, high], i) => {
      expect(low).toBeLessThanOrEqual(narrow[i]![0]);
      expect(high).toBeGreaterThanOrEqual(narrow[i]![1]);
    });
  });
});
