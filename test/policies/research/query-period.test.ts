import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alignPeriod } from '../../../policies/research/query-period.js';
import { decide } from '../../../policies/research/decide.js';
import { buildPolicy } from './research-builders.js';

const POLICY = { from: '2024-01-01T00:00:00.000Z', to: '2025-01-01T00:00:00.000Z' };
const period = (from: string, to: string) => ({ from: `${from}T00:00:00.000Z`, to: `${to}T00:00:00.000Z` });

describe('alignPeriod', () => {
  it.each([
    [
      'a few days widen to their month',
      period('2024-03-02', '2024-03-12'),
      'month',
      period('2024-03-01', '2024-04-01'),
    ],
    [
      'days across two months widen to both',
      period('2024-03-28', '2024-04-03'),
      'month',
      period('2024-03-01', '2024-05-01'),
    ],
    ['an aligned period stays', period('2024-03-01', '2024-05-01'), 'month', period('2024-03-01', '2024-05-01')],
    [
      'a day truncation widens to whole days',
      { from: '2024-03-02T10:00:00.000Z', to: '2024-03-02T11:00:00.000Z' },
      'day',
      period('2024-03-02', '2024-03-03'),
    ],
    ['a year truncation is cut to the policy', period('2024-03-02', '2024-03-12'), 'year', POLICY],
  ] as const)('%s', (_, requested, unit, expected) => {
    expect(alignPeriod(requested, POLICY, unit)).toEqual(expected);
  });

  it('covers the request, stays in the policy, and puts every boundary on the grid (property)', () => {
    const lo = Date.parse(POLICY.from);
    const hi = Date.parse(POLICY.to);
    fc.assert(
      fc.property(fc.integer({ min: lo, max: hi - 1 }), fc.integer({ min: 1, max: hi - lo }), (from, length) => {
        const to = Math.min(hi, from + length);
        const aligned = alignPeriod(
          { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
          POLICY,
          'month',
        );
        const [a, b] = [Date.parse(aligned.from), Date.parse(aligned.to)];
        expect(a).toBeLessThanOrEqual(from);
        expect(b).toBeGreaterThanOrEqual(to);
        for (const edge of [aligned.from, aligned.to]) expect(edge).toMatch(/^\d{4}-\d{2}-01T00:00:00\.000Z$/);
        expect(b - a).toBeGreaterThanOrEqual(28 * 86_400_000);
      }),
    );
  });
});

describe('decide widens an aggregate period and says so', () => {
  it('answers the used period, not the requested one', () => {
    const decision = decide(
      {
        researcherId: 'researcher-1',
        policyId: 'policy-1',
        category: 'heart-rate',
        statistic: 'count',
        ...period('2024-03-02', '2024-03-07'),
        level: 'aggregate',
      },
      buildPolicy(),
      {
        now: Date.parse('2025-06-01T00:00:00.000Z'),
        policyStatus: 'active',
        researcherVerified: true,
        budgetRemainingMicro: 1_000_000,
      },
    );
    expect(decision.decision === 'allow' && decision.period).toEqual(period('2024-03-01', '2024-04-01'));
  });
});
