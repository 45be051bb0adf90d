// Exact sums of floating-point numbers, so that a sum does not depend on the order it was added in.
//
// Why: a member's statistics are computed either from their raw values or from per-day summaries sealed when the
// values were stored (docs/vault.md, "Summaries"). Plain `+=` rounds after every addition, so the two paths —
// which add the same values in a different grouping — could differ in the last bit. Here a sum is kept as a
// non-overlapping expansion (Shewchuk's algorithm, as Python's math.fsum): a short list of doubles whose exact
// total is the exact total of everything added. Expansions merge exactly, and `roundedSum` rounds the exact total
// once, to nearest (ties to even), so every grouping and order gives the same double. Pure: no I/O.

/** A sum kept exactly: non-overlapping doubles in increasing magnitude (usually one or two). */
export type Partials = number[];

/** Adds `x` to the expansion `partials` exactly (in place). `x` must be finite. */
export function addExact(partials: Partials, x: number): void {
  let i = 0;
  for (let j = 0; j < partials.length; j++) {
    let y = partials[j]!;
    if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
    const hi = x + y;
    const lo = y - (hi - x);
    if (lo !== 0) partials[i++] = lo;
    x = hi;
  }
  partials.length = i;
  partials.push(x);
}

/** Adds the exact total of `other` to `partials` (in place): merging two sums loses nothing. */
export function mergeExact(partials: Partials, other: readonly number[]): void {
  for (const x of other) addExact(partials, x);
}

/** The exact total of the expansion, rounded once to the nearest double (ties to even). */
export function roundedSum(partials: readonly number[]): number {
  let n = partials.length;
  if (n === 0) return 0;
  let hi = partials[--n]!;
  let lo = 0;
  while (n > 0) {
    const x = hi;
    const y = partials[--n]!;
    hi = x + y;
    lo = y - (hi - x);
    if (lo !== 0) break;
  }
  // `hi + lo` is exact, but the partials below `lo` may push a halfway case to the other side: correct for it.
  if (n > 0 && ((lo < 0 && partials[n - 1]! < 0) || (lo > 0 && partials[n - 1]! > 0))) {
    const y = lo * 2;
    const x = hi + y;
    if (y === x - hi) hi = x;
  }
  return hi;
}

/** The correctly rounded sum of `values`, whatever their order. */
export function exactSum(values: Iterable<number>): number {
  const partials: Partials = [];
  for (const value of values) addExact(partials, value);
  return roundedSum(partials);
}
