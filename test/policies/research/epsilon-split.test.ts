import { describe, expect, it } from 'vitest';
import { splitEpsilon } from '../../../policies/research/epsilon-split.js';

describe('splitEpsilon', () => {
  it.each([
    [100_000, 0, 100_000],
    [100_000, 1, 100_000],
    [100_000, 2, 50_000],
    [100_001, 2, 50_000],
    [4, 2, 2],
    [7, 3, 2],
  ])('gives each of the components of %i micro-ε over %i components %i', (epsilon, components, each) => {
    expect(splitEpsilon(epsilon, components)).toEqual({ ok: true, eachMicro: each });
  });

  it.each([
    [3, 2],
    [1, 2],
    [5, 3],
  ])('refuses %i micro-ε over %i components (a mean needs two each)', (epsilon, components) => {
    expect(splitEpsilon(epsilon, components)).toEqual({ ok: false, reason: 'invalid_epsilon' });
  });

  it('never lets the shares exceed the query ε', () => {
    for (let components = 1; components <= 5; components++) {
      for (const epsilon of [2 * components, 999, 1_000_000]) {
        const split = splitEpsilon(epsilon, components);
        if (split.ok) expect(split.eachMicro * components).toBeLessThanOrEqual(epsilon);
      }
    }
  });
});
