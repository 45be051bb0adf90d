// How an impact preview releases a member count: coarsely, never exactly (issue 18). A count below the cell size
// is only "fewer than τ"; from τ on it is a band of width 10 (100 from 1,000 members on), whose lower end is never
// below τ. A snapshot is taken once per proposal (services/research/impact-preview.ts), so bands cannot be
// differenced over time either.

/** A released member count: at least `atLeast` and fewer than `fewerThan` members (exact count never given). */
export interface CountBand {
  readonly atLeast: number;
  readonly fewerThan: number;
}

/** The band width for a count of `n`: 10 below 1,000 members, 100 from then on. */
export function bandWidth(n: number): number {
  return n < 1000 ? 10 : 100;
}

/** The coarse band of an exact count `n` under cell size `cellSize`: [0, τ) below τ, else a band of width 10/100. */
export function countBand(n: number, cellSize: number): CountBand {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error('countBand: n must be a non-negative integer');
  if (!Number.isSafeInteger(cellSize) || cellSize < 1) throw new Error('countBand: cellSize must be positive');
  if (n < cellSize) return { atLeast: 0, fewerThan: cellSize };
  const width = bandWidth(n);
  const low = Math.floor(n / width) * width;
  return { atLeast: Math.max(cellSize, low), fewerThan: low + width };
}
