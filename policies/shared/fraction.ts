// A rational number kept as two integers, so that no decision ever depends on floating point rounding.
export interface Fraction {
  readonly num: number;
  readonly den: number;
}

// Throws unless the fraction is made of safe integers with num ≥ 0 and den ≥ 1.
export function assertFraction(fraction: Fraction, name: string): void {
  const { num, den } = fraction;
  if (!Number.isSafeInteger(num) || num < 0) throw new Error(`${name}.num must be a non-negative integer`);
  if (!Number.isSafeInteger(den) || den < 1) throw new Error(`${name}.den must be a positive integer`);
}
