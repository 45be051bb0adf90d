import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clampToRange,
  debitBudget,
  discreteLaplaceNoise,
  discreteLaplaceVariance,
  type MemberSeries,
  memberValue,
  QUANTILE_LEVELS,
  randomSourceFromBytes,
  releaseAggregate,
  type ReleaseInput,
  sampleDiscreteLaplace,
  uniformInt,
} from '../../../policies/research/privacy.js';
import { dimensionValues, type GroupValues } from '../../../policies/research/group-by.js';
import { seededRandom } from './research-builders.js';

const HEART_RATE = { min: 20, max: 300 };

describe('discrete Laplace noise', () => {
  const SAMPLES = 100_000;

  it.each([
    [1, 1_000_000],
    [1, 100_000],
    [1, 2_500_000],
    [2800, 500_000],
  ])('Δ = %s, ε = %s micro: mean ≈ 0 and variance 2p/(1−p)² over 10⁵ samples', (sensitivity, epsilonMicro) => {
    const random = seededRandom(0x5eed + sensitivity + epsilonMicro);
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < SAMPLES; i += 1) {
      const x = discreteLaplaceNoise(random, sensitivity, epsilonMicro);
      expect(Number.isInteger(x)).toBe(true);
      sum += x;
      squares += x * x;
    }
    const variance = discreteLaplaceVariance(sensitivity, epsilonMicro);
    const mean = sum / SAMPLES;
    // Five standard errors of the mean; the sample variance within 5 % (its relative s.e. is about 1 %).
    expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt(variance / SAMPLES));
    expect(squares / SAMPLES - mean * mean).toBeGreaterThan(0.95 * variance);
    expect(squares / SAMPLES - mean * mean).toBeLessThan(1.05 * variance);
  });

  it('has the two-sided geometric shape P(k) = (1−p)/(1+p)·p^|k|', () => {
    const random = seededRandom(7);
    const p = Math.exp(-1); // ε = 1, Δ = 1
    const frequency = new Map<number, number>();
    for (let i = 0; i < SAMPLES; i += 1) {
      const x = sampleDiscreteLaplace(random, 1, 1);
      frequency.set(x, (frequency.get(x) ?? 0) + 1);
    }
    for (let k = -4; k <= 4; k += 1) {
      const expected = ((1 - p) / (1 + p)) * p ** Math.abs(k);
      const sd = Math.sqrt((expected * (1 - expected)) / SAMPLES);
      expect(Math.abs((frequency.get(k) ?? 0) / SAMPLES - expected)).toBeLessThan(5 * sd);
    }
  });

  it('draws uniform integers without bias, also above 2³²', () => {
    const random = seededRandom(11);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i += 1) counts[uniformInt(random, 3)]! += 1;
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(500);
    for (let i = 0; i < 1000; i += 1) {
      const x = uniformInt(random, 2 ** 40 + 3);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(2 ** 40 + 3);
    }
  });

  it('reads random bytes in blocks from the injected source', () => {
    let calls = 0;
    const random = randomSourceFromBytes((bytes) => {
      calls += 1;
      bytes.fill(0xff);
    }, 4);
    for (let i = 0; i < 9; i += 1) expect(random.nextUint32()).toBe(0xffffffff);
    expect(calls).toBe(3);
  });

  it('refuses a malformed scale', () => {
    expect(() => discreteLaplaceNoise(seededRandom(1), 0, 1)).toThrow();
    expect(() => discreteLaplaceNoise(seededRandom(1), 1, 0.5)).toThrow();
  });
});

describe('budget', () => {
  it('debits what fits and refuses what does not', () => {
    expect(debitBudget(1_000_000, 300_000)).toEqual({ ok: true, remainingMicro: 700_000 });
    expect(debitBudget(300_000, 300_000)).toEqual({ ok: true, remainingMicro: 0 });
    expect(debitBudget(299_999, 300_000)).toEqual({ ok: false, reason: 'budget_exhausted', remainingMicro: 299_999 });
    expect(debitBudget(1_000, 0)).toMatchObject({ ok: false, reason: 'invalid_epsilon' });
    expect(debitBudget(1_000, 0.5)).toMatchObject({ ok: false, reason: 'invalid_epsilon' });
  });

  it('never goes negative and never overspends, whatever the sequence of debits (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3_000_000 }),
        fc.array(fc.integer({ min: -10, max: 1_500_000 }), { maxLength: 50 }),
        (budget, costs) => {
          let remaining = budget;
          let spent = 0;
          for (const cost of costs) {
            const debit = debitBudget(remaining, cost);
            expect(debit.remainingMicro).toBeGreaterThanOrEqual(0);
            if (debit.ok) spent += cost;
            else expect(debit.remainingMicro).toBe(remaining);
            remaining = debit.remainingMicro;
          }
          expect(spent + remaining).toBe(budget);
        },
      ),
    );
  });

  it('counts ten debits of 0.1 as exactly one ε (no float drift)', () => {
    let remaining = 1_000_000;
    for (let i = 0; i < 10; i += 1) {
      const debit = debitBudget(remaining, 100_000);
      expect(debit.ok).toBe(true);
      remaining = debit.remainingMicro;
    }
    expect(remaining).toBe(0);
    expect(debitBudget(remaining, 1).ok).toBe(false);
  });
});

describe('clamping and one value per member', () => {
  it('clamps to the catalogue range', () => {
    expect(clampToRange(5, HEART_RATE)).toBe(20);
    expect(clampToRange(900, HEART_RATE)).toBe(300);
    expect(clampToRange(70, HEART_RATE)).toBe(70);
  });

  it('gives each member the mean of their clamped values', () => {
    expect(memberValue([60, 80, 1000], HEART_RATE)).toBeCloseTo((60 + 80 + 300) / 3);
    expect(memberValue([], HEART_RATE)).toBeUndefined();
    expect(memberValue([Number.NaN], HEART_RATE)).toBeUndefined();
  });
});

const sexes = dimensionValues('sex');
const bands = dimensionValues('ageBand');
const memberArb = fc.record({
  sex: fc.constantFrom(...sexes),
  ageBand: fc.constantFrom(...bands),
  values: fc.array(fc.double({ min: -50, max: 500, noNaN: true }), { minLength: 0, maxLength: 3 }),
});

function members(list: readonly { sex: string; ageBand: string; values: number[] }[]): MemberSeries[] {
  return list.map((m, i) => ({
    memberId: `m${i}`,
    groups: { sex: m.sex, ageBand: m.ageBand, region: 'unknown' } as GroupValues,
    values: m.values,
  }));
}

function input(overrides: Partial<ReleaseInput>): ReleaseInput {
  return {
    statistic: 'count',
    groupBy: ['sex'],
    members: [],
    range: HEART_RATE,
    decimals: 0,
    minCellSize: 11,
    epsilonMicro: 500_000,
    random: seededRandom(3),
    ...overrides,
  };
}

describe('releaseAggregate', () => {
  it('returns the whole grid, and releases a cell or bin only with a noisy count of at least τ (property)', () => {
    fc.assert(
      fc.property(
        fc.array(memberArb, { maxLength: 80 }),
        fc.constantFrom('count', 'mean', 'quantiles', 'histogram' as const),
        fc.subarray(['sex', 'ageBand'] as const),
        fc.integer({ min: 2, max: 15 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (list, statistic, groupBy, minCellSize, seed) => {
          const release = releaseAggregate(
            input({
              statistic,
              groupBy,
              members: members(list),
              minCellSize,
              random: seededRandom(seed),
              histogramBins: 4,
            }),
          );
          const size = groupBy.reduce((n, d) => n * dimensionValues(d).length, 1);
          expect(release.cells).toHaveLength(size);
          expect([release.delta, release.threshold]).toEqual([0, minCellSize]);
          for (const cell of release.cells) {
            if (cell.suppressed) continue;
            if (statistic === 'histogram') {
              for (const bin of cell.histogram!)
                if (bin.count !== null) expect(bin.count).toBeGreaterThanOrEqual(minCellSize);
            } else {
              expect(cell.count).toBeGreaterThanOrEqual(minCellSize);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('returns every cell of the grid, in a fixed order, suppressed or not', () => {
    const list = [
      ...Array.from({ length: 30 }, () => ({ sex: 'female', ageBand: '40-49', values: [70] })),
      ...Array.from({ length: 3 }, () => ({ sex: 'male', ageBand: '40-49', values: [70] })),
    ];
    const release = releaseAggregate(input({ members: members(list), epsilonMicro: 5_000_000 }));
    expect(release.cells.map((c) => c.group.sex)).toEqual([...sexes]);
    // ε = 5: the noise is far below the gap between 3 and 30 and τ = 11 (seed fixed).
    expect(release.cells.filter((c) => !c.suppressed).map((c) => c.group.sex)).toEqual(['female']);
  });

  it('publishes the noisy count itself, with its noise scale and a 95 % interval around it', () => {
    const list = [
      ...Array.from({ length: 40 }, () => ({ sex: 'female', ageBand: '40-49', values: [70] })),
      ...Array.from({ length: 60 }, () => ({ sex: 'male', ageBand: '40-49', values: [80] })),
    ];
    const release = releaseAggregate(input({ members: members(list), groupBy: ['sex'] }));
    const published = release.cells.filter((c) => !c.suppressed);
    expect(published.map((c) => c.group.sex)).toEqual(['female', 'male']);
    for (const cell of published) {
      if (cell.suppressed) continue;
      expect(cell.count).toBeGreaterThanOrEqual(11);
      expect(Math.abs(cell.count! - (cell.group.sex === 'female' ? 40 : 60))).toBeLessThan(30);
      expect(cell.noiseScale).toBe(2);
      // P(|Z| > w) = 2p^(w+1)/(1+p) with p = e^−0.5: 0.062 for w = 5, 0.038 for w = 6.
      expect(cell.interval95).toEqual([cell.count! - 6, cell.count! + 6]);
    }
    expect(release.epsilonMicro).toBe(500_000);
  });

  it('computes a noisy mean within the range, near the truth with a generous ε', () => {
    const list = Array.from({ length: 500 }, (_, i) => ({ sex: 'female', ageBand: '40-49', values: [60 + (i % 21)] }));
    const release = releaseAggregate(
      input({ statistic: 'mean', groupBy: [], members: members(list), epsilonMicro: 3_000_000 }),
    );
    const [cell] = release.cells;
    expect(cell?.suppressed).toBe(false);
    if (!cell || cell.suppressed) return;
    expect(cell.mean).toBeGreaterThanOrEqual(20);
    expect(Math.abs(cell.mean! - 70)).toBeLessThan(5);
  });

  it('reads monotone quantiles from the noisy histogram', () => {
    const list = Array.from({ length: 1000 }, (_, i) => ({ sex: 'male', ageBand: '40-49', values: [40 + (i % 100)] }));
    const release = releaseAggregate(
      input({ statistic: 'quantiles', groupBy: [], members: members(list), epsilonMicro: 2_000_000 }),
    );
    const [cell] = release.cells;
    if (!cell || cell.suppressed) throw new Error('expected a published cell');
    const values = cell.quantiles!.map((q) => q.value);
    expect(cell.quantiles!.map((q) => q.level)).toEqual([...QUANTILE_LEVELS]);
    expect([...values].sort((a, b) => a - b)).toEqual(values);
    expect(Math.abs(values[2]! - 90)).toBeLessThan(20); // true median 89.5, bin width 14
  });

  it('refuses a member listed twice', () => {
    const twice = members([{ sex: 'male', ageBand: '40-49', values: [70] }]);
    expect(() => releaseAggregate(input({ members: [...twice, ...twice] }))).toThrow(/twice/);
  });
});
