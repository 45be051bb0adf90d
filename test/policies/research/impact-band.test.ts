// The coarse release of an impact preview: never a count below the cell size, never an exact count.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countBand } from '../../../policies/research/impact-band.js';

describe('countBand', () => {
  it.each([
    [0, 11, { atLeast: 0, fewerThan: 11 }],
    [10, 11, { atLeast: 0, fewerThan: 11 }],
    [11, 11, { atLeast: 11, fewerThan: 20 }],
    [19, 11, { atLeast: 11, fewerThan: 20 }],
    [20, 11, { atLeast: 20, fewerThan: 30 }],
    [43, 11, { atLeast: 40, fewerThan: 50 }],
    [999, 11, { atLeast: 990, fewerThan: 1000 }],
    [1234, 11, { atLeast: 1200, fewerThan: 1300 }],
    [30, 25, { atLeast: 30, fewerThan: 40 }],
  ])('releases %i members under cell size %i as %o', (n, cellSize, band) => {
    expect(countBand(n, cellSize)).toEqual(band);
  });

  it('always holds the count, and below the cell size says only "fewer than τ"', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 2, max: 200 }), (n, cellSize) => {
        const band = countBand(n, cellSize);
        expect(band.atLeast <= n && n < band.fewerThan).toBe(true);
        if (n < cellSize) expect(band).toEqual({ atLeast: 0, fewerThan: cellSize });
        else expect(band.atLeast).toBeGreaterThanOrEqual(cellSize);
        // Never exact: every band above the cell size spans at least two counts, unless τ sits at its top.
        if (band.atLeast > 0 && band.atLeast !== cellSize) expect(band.fewerThan - band.atLeast).toBeGreaterThan(1);
      }),
    );
  });

  it('tells two counts apart only across a band edge: all of a band give the same answer', () => {
    for (let n = 11; n < 20; n += 1) expect(countBand(n, 11)).toEqual(countBand(11, 11));
  });
});
