// What the researcher's query form says an ε buys, before it is spent: the default the service would take, the
// largest ε left, and a count's 95 % half-width that the service's noise actually keeps.
import { describe, expect, it } from 'vitest';
import { DEFAULT_QUERY_SHARE } from '../../policies/research/decide.js';
import { cryptoRandomSource, discreteLaplaceNoise } from '../../policies/research/privacy.js';
import {
  countHalfWidth,
  defaultEpsilon,
  maxEpsilon,
  queriesLeftAfter,
} from '../../web-components/src/query-epsilon.js';

describe('the ε a query form offers', () => {
  it('is the service’s default share of the budget, never more than is left, in whole thousandths', () => {
    expect(defaultEpsilon(1, 1)).toBe(1 / DEFAULT_QUERY_SHARE);
    expect(defaultEpsilon(3, 3)).toBe(0.3); // not 0.30000000000000004
    expect(defaultEpsilon(1, 0.0456)).toBe(0.045);
    expect(defaultEpsilon(1, 0.0004)).toBe(0);
    expect(maxEpsilon(0.6789)).toBe(0.678);
    expect(maxEpsilon(0.9)).toBe(0.9);
  });

  it('counts the queries of the same size the rest of the budget allows', () => {
    expect(queriesLeftAfter(0.1, 1)).toBe(9);
    expect(queriesLeftAfter(0.3, 1)).toBe(2);
    expect(queriesLeftAfter(0.5, 0.5)).toBe(0);
    expect(queriesLeftAfter(0, 1)).toBe(0);
  });

  it('states a count half-width that the released noise keeps 95 % of the time, and not a smaller one', () => {
    const w = countHalfWidth(0.1, 1)!;
    expect(w).toBe(30);
    const random = cryptoRandomSource();
    const draws = 40_000;
    let within = 0;
    let withinSmaller = 0;
    for (let i = 0; i < draws; i++) {
      const z = Math.abs(discreteLaplaceNoise(random, 1, 100_000));
      if (z <= w) within += 1;
      if (z <= w - 3) withinSmaller += 1;
    }
    // P(|Z| ≤ 30) ≈ 0.952 and P(|Z| ≤ 27) ≈ 0.937 at ε 0.1; 40,000 draws put each within ±0.004 (4 σ).
    expect(within / draws).toBeGreaterThan(0.946);
    expect(withinSmaller / draws).toBeLessThan(0.95);
  });

  it('splits ε equally over a category’s components, and refuses what the service would refuse', () => {
    expect(countHalfWidth(0.2, 2)).toBe(countHalfWidth(0.1, 1));
    expect(countHalfWidth(0.000001, 1)).toBeUndefined();
    expect(countHalfWidth(0.000003, 2)).toBeUndefined();
  });
});
