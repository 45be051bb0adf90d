// The release decision is differentially private: for two datasets that differ in one member, every event about
// which cells (and bins) are released has frequencies p, p′ over many seeds with p ≤ e^ε·p′ + δ (δ = 0 here),
// up to sampling error. The same checker rejects the old rule (suppress when the exact count is below τ), so the
// test can fail.
import { describe, expect, it } from 'vitest';
import type { Statistic } from '../../../policies/research/access-policy.js';
import type { GroupByDimension, GroupValues } from '../../../policies/research/group-by.js';
import {
  type MemberSeries,
  releaseAggregate,
  type ReleaseInput,
  discreteLaplaceHalfWidth,
  INTERVAL_LEVEL,
} from '../../../policies/research/privacy.js';
import { seededRandom } from './research-builders.js';

const RANGE = { min: 20, max: 300 };
const TAU = 11;
const EPSILON_MICRO = 500_000;
const TRIALS = 3000;
// Tolerance: 4 standard errors of a difference of two frequencies from TRIALS independent trials each, at the
// worst case p = ½: 4·√(2·¼/TRIALS) ≈ 0.052. A true violation larger than this is caught with near certainty.
const TOLERANCE = 4 * Math.sqrt(0.5 / TRIALS);

function member(id: string, sex: string, ageBand: string, value: number): MemberSeries {
  return { memberId: id, groups: { sex, ageBand, region: 'unknown' } as GroupValues, values: [value] };
}

// A dataset with cells near τ (where a decision is most sensitive to one member), and its neighbour with one
// more member in the cell of 10 (female, 40-49), whose value falls in the same histogram bin as the others.
function neighbours(): [MemberSeries[], MemberSeries[]] {
  const base: MemberSeries[] = [];
  for (let i = 0; i < 10; i += 1) base.push(member(`f${i}`, 'female', '40-49', 70 + (i % 3)));
  for (let i = 0; i < 12; i += 1) base.push(member(`m${i}`, 'male', '40-49', 150 + (i % 3)));
  for (let i = 0; i < 3; i += 1) base.push(member(`o${i}`, 'male', '50-59', 200));
  return [base, [...base, member('extra', 'female', '40-49', 71)]];
}

// Which cells and bins were released, as one string per trial (the full decision vector).
function decisions(release: ReturnType<typeof releaseAggregate>): string {
  return release.cells
    .map((cell) => {
      if (cell.suppressed) return '0';
      if (cell.histogram) return cell.histogram.map((bin) => (bin.count === null ? '0' : '1')).join('');
      return '1';
    })
    .join('|');
}

type Decide = (members: MemberSeries[], seed: number) => string;

function frequencies(decide: Decide, members: MemberSeries[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (let seed = 1; seed <= TRIALS; seed += 1) {
    const vector = decide(members, seed);
    counts.set(vector, (counts.get(vector) ?? 0) + 1);
  }
  return counts;
}

// The largest excess max(p − e^ε·p′, p′ − e^ε·p) over the events "cell/bin k released" and "the whole vector is v".
function worstExcess(decide: Decide, epsilon: number): number {
  const [d, dPrime] = neighbours();
  const a = frequencies(decide, d);
  const b = frequencies(decide, dPrime);
  const events: ((vector: string) => boolean)[] = [];
  const width = [...a.keys()][0]!.length;
  for (let k = 0; k < width; k += 1) events.push((v) => v[k] === '1');
  for (const vector of new Set([...a.keys(), ...b.keys()])) events.push((v) => v === vector);
  const p = (counts: Map<string, number>, event: (v: string) => boolean) =>
    [...counts].reduce((sum, [v, n]) => sum + (event(v) ? n : 0), 0) / TRIALS;
  let worst = -Infinity;
  for (const event of events) {
    const pa = p(a, event);
    const pb = p(b, event);
    worst = Math.max(worst, pa - Math.exp(epsilon) * pb, pb - Math.exp(epsilon) * pa);
  }
  return worst;
}

const shapes: GroupByDimension[][] = [[], ['sex'], ['sex', 'ageBand']];
const statistics: Statistic[] = ['count', 'mean', 'quantiles', 'histogram'];

function input(statistic: Statistic, groupBy: GroupByDimension[], members: MemberSeries[], seed: number): ReleaseInput {
  return {
    statistic,
    groupBy,
    members,
    range: RANGE,
    decimals: 0,
    minCellSize: TAU,
    epsilonMicro: EPSILON_MICRO,
    random: seededRandom(seed),
    histogramBins: 4,
    quantileBins: 4,
  };
}

describe('release decisions on neighbouring datasets', () => {
  const cases = statistics.flatMap((statistic) => shapes.map((groupBy) => ({ statistic, groupBy })));
  it.each(cases)(
    '$statistic by $groupBy: p ≤ e^ε·p′ + δ + tolerance for every release event',
    ({ statistic, groupBy }) => {
      const decide: Decide = (members, seed) => decisions(releaseAggregate(input(statistic, groupBy, members, seed)));
      expect(worstExcess(decide, EPSILON_MICRO / 1e6)).toBeLessThanOrEqual(TOLERANCE);
    },
  );

  it('the checker catches the old rule (suppress on the exact count): its excess is far above the tolerance', () => {
    const exact: Decide = (members) => {
      const female = members.filter((m) => m.groups.sex === 'female').length;
      return female >= TAU ? '1' : '0';
    };
    expect(worstExcess(exact, EPSILON_MICRO / 1e6)).toBeGreaterThan(0.5);
  });
});

describe('95 % intervals', () => {
  it('a count interval holds the true count in at least 95 % of trials (minus sampling error)', () => {
    const many = Array.from({ length: 60 }, (_, i) => member(`m${i}`, 'male', '40-49', 80));
    let covered = 0;
    for (let seed = 1; seed <= TRIALS; seed += 1) {
      const [cell] = releaseAggregate(input('count', [], many, seed)).cells;
      if (cell && !cell.suppressed && cell.interval95 && cell.interval95[0] <= 60 && 60 <= cell.interval95[1]) {
        covered += 1;
      }
    }
    expect(covered / TRIALS).toBeGreaterThanOrEqual(INTERVAL_LEVEL - 4 * Math.sqrt((0.05 * 0.95) / TRIALS));
  });

  it('a mean interval holds the true mean in at least 95 % of trials (minus sampling error)', () => {
    const many = Array.from({ length: 200 }, (_, i) => member(`m${i}`, 'male', '40-49', 60 + (i % 21)));
    let covered = 0;
    for (let seed = 1; seed <= TRIALS; seed += 1) {
      const [cell] = releaseAggregate(input('mean', [], many, seed)).cells;
      if (cell && !cell.suppressed && cell.interval95 && cell.interval95[0] <= 70 && 70 <= cell.interval95[1]) {
        covered += 1;
      }
    }
    expect(covered / TRIALS).toBeGreaterThanOrEqual(INTERVAL_LEVEL - 4 * Math.sqrt((0.05 * 0.95) / TRIALS));
  });

  it('states the smallest half-width with P(|Z| > w) ≤ α', () => {
    const p = Math.exp(-0.5);
    const w = discreteLaplaceHalfWidth(1, 500_000, 0.05);
    expect((2 * p ** (w + 1)) / (1 + p)).toBeLessThanOrEqual(0.05);
    expect((2 * p ** w) / (1 + p)).toBeGreaterThan(0.05);
  });
});
