// Privacy protections applied to every aggregate answer (spec §6): one value per member, clamped to the
// catalogue range; small-cell and complementary suppression; discrete Laplace noise from an injected random
// source; the ε budget in integer micro-ε. The design and its limits are written up in README.md.
import { randomFillSync } from 'node:crypto';
import { MICRO_PER_EPSILON, type Statistic } from './access-policy.js';
import type { PlausibleRange } from '../observations/catalogue.js';
import { dimensionValues, type GroupByDimension, type GroupValues } from './group-by.js';

// ---------------------------------------------------------------------------------------------------------
// Random source

/** Uniform 32-bit words. The service passes crypto-random bytes; tests pass a seeded generator. */
export interface RandomSource {
  nextUint32(): number;
}

// A random source that reads bytes through `fill` (e.g. crypto.randomFillSync) in blocks.
export function randomSourceFromBytes(fill: (bytes: Uint8Array) => void, blockWords = 1024): RandomSource {
  const words = new Uint32Array(blockWords);
  const bytes = new Uint8Array(words.buffer);
  let next = blockWords;
  return {
    nextUint32() {
      if (next === blockWords) {
        fill(bytes);
        next = 0;
      }
      const word = words[next] as number;
      next += 1;
      return word;
    },
  };
}

// The operating system's CSPRNG (node:crypto), buffered.
export function cryptoRandomSource(): RandomSource {
  return randomSourceFromBytes((bytes) => randomFillSync(bytes));
}

const TWO_32 = 2 ** 32;
const TWO_53 = 2 ** 53;

// A uniform integer in [0, n), 1 ≤ n ≤ 2⁵³, by rejection (no modulo bias, no floating point).
export function uniformInt(random: RandomSource, n: number): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`uniformInt: bad bound ${n}`);
  if (n <= TWO_32) {
    const limit = Math.floor(TWO_32 / n) * n;
    for (;;) {
      const x = random.nextUint32();
      if (x < limit) return x % n;
    }
  }
  const limit = Math.floor(TWO_53 / n) * n;
  for (;;) {
    const x = (random.nextUint32() >>> 11) * TWO_32 + random.nextUint32();
    if (x < limit) return x % n;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Discrete Laplace noise

// Bernoulli(num/den) for integers 0 ≤ num ≤ den.
function bernoulli(random: RandomSource, num: number, den: number): boolean {
  return uniformInt(random, den) < num;
}

// Bernoulli(exp(−num/den)) exactly, for integers num ≥ 0, den ≥ 1 (Canonne, Kamath & Steinke 2020, alg. 1).
function bernoulliExp(random: RandomSource, num: number, den: number): boolean {
  let whole = Math.floor(num / den);
  const rest = num - whole * den;
  while (whole > 0) {
    if (!bernoulliExpAtMostOne(random, 1, 1)) return false;
    whole -= 1;
  }
  return bernoulliExpAtMostOne(random, rest, den);
}

function bernoulliExpAtMostOne(random: RandomSource, num: number, den: number): boolean {
  let k = 1;
  while (bernoulli(random, num, den * k)) k += 1;
  return k % 2 === 1;
}

// A sample Z with P(Z = z) ∝ exp(−|z| / (scaleNum / scaleDen)), exactly, with integer arithmetic only
// (Canonne, Kamath & Steinke 2020, alg. 2). No floating-point logarithm is involved, so the output has no
// gaps or bias that could leak the true value (Mironov 2012).
export function sampleDiscreteLaplace(random: RandomSource, scaleNum: number, scaleDen: number): number {
  if (!Number.isSafeInteger(scaleNum) || !Number.isSafeInteger(scaleDen) || scaleNum < 1 || scaleDen < 1) {
    throw new Error('sampleDiscreteLaplace: scale must be a ratio of positive integers');
  }
  const t = scaleNum;
  const s = scaleDen;
  for (;;) {
    const u = uniformInt(random, t);
    if (!bernoulliExp(random, u, t)) continue;
    let v = 0;
    while (bernoulliExp(random, 1, 1)) v += 1;
    const y = Math.floor((u + t * v) / s);
    const negative = bernoulli(random, 1, 2);
    if (negative && y === 0) continue;
    return negative ? -y : y;
  }
}

// Noise for one release of a statistic whose value one member can change by at most `sensitivity` (an
// integer, in the statistic's integer units), spending `epsilonMicro`: discrete Laplace of scale Δ/ε.
export function discreteLaplaceNoise(random: RandomSource, sensitivity: number, epsilonMicro: number): number {
  assertPositiveInteger(sensitivity, 'sensitivity');
  assertPositiveInteger(epsilonMicro, 'epsilonMicro');
  const g = gcd(sensitivity * MICRO_PER_EPSILON, epsilonMicro);
  return sampleDiscreteLaplace(random, (sensitivity * MICRO_PER_EPSILON) / g, epsilonMicro / g);
}

// The variance of that noise: 2p / (1 − p)² with p = exp(−ε/Δ); its mean is 0.
export function discreteLaplaceVariance(sensitivity: number, epsilonMicro: number): number {
  const p = Math.exp(-epsilonMicro / MICRO_PER_EPSILON / sensitivity);
  return (2 * p) / (1 - p) ** 2;
}

// ---------------------------------------------------------------------------------------------------------
// Budget, in integer micro-ε

export type BudgetDebit =
  | { readonly ok: true; readonly remainingMicro: number }
  | { readonly ok: false; readonly reason: 'budget_exhausted' | 'invalid_epsilon'; readonly remainingMicro: number };

// Takes `costMicro` from `remainingMicro` if it fits; the remainder can never go below zero.
export function debitBudget(remainingMicro: number, costMicro: number): BudgetDebit {
  const remaining = Number.isSafeInteger(remainingMicro) && remainingMicro > 0 ? remainingMicro : 0;
  if (!Number.isSafeInteger(costMicro) || costMicro <= 0) {
    return { ok: false, reason: 'invalid_epsilon', remainingMicro: remaining };
  }
  if (costMicro > remaining) return { ok: false, reason: 'budget_exhausted', remainingMicro: remaining };
  return { ok: true, remainingMicro: remaining - costMicro };
}

// Micro-ε shown as ε (for answers to people; arithmetic stays in micro-ε).
export function microToEpsilon(micro: number): number {
  return micro / MICRO_PER_EPSILON;
}

// ---------------------------------------------------------------------------------------------------------
// Clamping and one value per member

// The value pulled into the catalogue's plausible range (bounds the sensitivity of sums and histograms).
export function clampToRange(value: number, range: PlausibleRange): number {
  return Math.min(range.max, Math.max(range.min, value));
}

// One member's contribution: the mean of their clamped values in the period (undefined when they have
// none), so that a member with 200 observations weighs no more than a member with one.
export function memberValue(values: readonly number[], range: PlausibleRange): number | undefined {
  let sum = 0;
  let n = 0;
  for (const value of values) {
    if (!Number.isFinite(value)) continue;
    sum += clampToRange(value, range);
    n += 1;
  }
  return n === 0 ? undefined : clampToRange(sum / n, range);
}

// ---------------------------------------------------------------------------------------------------------
// Suppression on a grid of cells

/** A grid: `shape[j]` values on dimension j; cells in row-major order (the last dimension varies fastest). */
export type GridShape = readonly number[];

// Which cells to suppress. Primary: every cell with fewer than `minCellSize` members. Complementary: every
// suppressed cell that is not empty must be a corner of a *suppressed box* — 2 values on each dimension of the grid, all 2^d
// corners suppressed. If it is not, the cheapest box through it is completed (fewest members newly hidden,
// preferring boxes where non-negativity leaves room, see hasSlack; ties to the first box found).
//
// Why this is enough: every total the researcher can obtain (this grid's lines and, from other queries,
// every coarser margin) is a sum along lines, and every line through a box meets exactly two of its
// corners. Adding +δ on one diagonal class of corners and −δ on the other therefore changes no published
// cell and no total, so no subtraction or combination of totals pins down a suppressed cell. In one
// dimension this is the classic rule "never leave a single suppressed cell next to a known total".
export function suppressCells(counts: readonly number[], shape: GridShape, minCellSize: number): boolean[] {
  const size = shape.reduce((a, b) => a * b, 1);
  if (counts.length !== size) throw new Error(`suppressCells: ${counts.length} counts for a grid of ${size}`);
  const suppressed = counts.map((count) => !(count >= minCellSize));
  const strides = shape.map((_, j) => shape.slice(j + 1).reduce((a, b) => a * b, 1));
  // Dimensions with a single value have no sibling cells and no line to subtract along.
  const dims = shape.flatMap((length, j) => (length >= 2 ? [j] : []));
  if (dims.length === 0) return suppressed;
  const boxes = new BoxScanner(counts, suppressed, shape, strides, dims);
  // Cells already known to be corners of a suppressed box with slack (suppression only grows, so it stays so).
  const covered = new Uint8Array(size);
  for (let cell = 0; cell < size; cell += 1) {
    // An empty cell describes nobody: showing that it is empty (by subtraction) discloses no one.
    if (!suppressed[cell] || counts[cell] === 0 || covered[cell] === 1) continue;
    let box = boxes.suppressedBox(cell);
    if (!box) {
      box = boxes.cheapestBox(cell);
      for (const corner of box) suppressed[corner] = true;
    }
    if (boxes.hasSlack(box)) for (const corner of box) covered[corner] = 1;
  }
  return suppressed;
}

// Enumerates the boxes through a cell without allocating per box: a box is one partner value per dimension,
// and its corner i is the cell moved along every dimension whose bit is set in i.
class BoxScanner {
  private readonly corners: Int32Array;
  private readonly parity: Uint8Array;

  constructor(
    private readonly counts: readonly number[],
    private readonly suppressed: boolean[],
    private readonly shape: GridShape,
    private readonly strides: readonly number[],
    private readonly dims: readonly number[],
  ) {
    this.corners = new Int32Array(1 << dims.length);
    // A corner's diagonal class is the parity of the number of coordinates it moved.
    this.parity = Uint8Array.from({ length: 1 << dims.length }, (_, i) => popcount(i) % 2);
  }

  // The corners of a fully suppressed box with slack through the cell (see hasSlack), if there is one.
  suppressedBox(cell: number): number[] | undefined {
    // A partner value on a dimension is only worth trying if the neighbour along it is already suppressed.
    const shifts = this.shiftOptions(cell, (neighbour) => this.suppressed[neighbour] === true);
    let found: number[] | undefined;
    this.scan(cell, shifts, (corners) => {
      for (const corner of corners) if (!this.suppressed[corner]) return false;
      if (this.hasSlack(corners)) found = Array.from(corners);
      return found !== undefined;
    });
    return found;
  }

  // The corners of the box through the cell that hides the fewest members not yet hidden, preferring
  // boxes with slack; ties go to the first box in lexicographic order of partner values.
  cheapestBox(cell: number): number[] {
    const shifts = this.shiftOptions(cell, () => true);
    let best: number[] = [];
    let bestNoSlack = 2;
    let bestAdded = Infinity;
    this.scan(cell, shifts, (corners) => {
      let added = 0;
      for (const corner of corners) if (!this.suppressed[corner]) added += this.counts[corner] as number;
      const noSlack = this.hasSlack(corners) ? 0 : 1;
      if (noSlack < bestNoSlack || (noSlack === bestNoSlack && added < bestAdded)) {
        bestNoSlack = noSlack;
        bestAdded = added;
        best = Array.from(corners);
      }
      return bestNoSlack === 0 && bestAdded === 0; // nothing can beat a free box with slack
    });
    return best;
  }

  // Whether δ can move both ways from the truth: when each diagonal class of corners holds an empty cell,
  // counts being non-negative would pin δ to 0 and reveal every corner.
  hasSlack(corners: Int32Array | readonly number[]): boolean {
    let even = Infinity;
    let odd = Infinity;
    corners.forEach((corner, i) => {
      const count = this.counts[corner] as number;
      if (this.parity[i] === 0) even = Math.min(even, count);
      else odd = Math.min(odd, count);
    });
    return even !== 0 || odd !== 0;
  }

  // Per dimension, the index shifts that move the cell to each allowed partner value.
  private shiftOptions(cell: number, allowed: (neighbour: number) => boolean): number[][] {
    return this.dims.map((j) => {
      const stride = this.strides[j] as number;
      const length = this.shape[j] as number;
      const here = Math.floor(cell / stride) % length;
      const shifts: number[] = [];
      for (let v = 0; v < length; v += 1) {
        const shift = (v - here) * stride;
        if (v !== here && allowed(cell + shift)) shifts.push(shift);
      }
      return shifts;
    });
  }

  // Calls `visit` with the corners of every box (one shift per dimension) until it returns true.
  private scan(cell: number, shifts: readonly (readonly number[])[], visit: (corners: Int32Array) => boolean): void {
    if (shifts.some((options) => options.length === 0)) return;
    const k = shifts.length;
    const index = new Array<number>(k).fill(0);
    const chosen = new Array<number>(k).fill(0);
    const corners = this.corners;
    for (;;) {
      for (let b = 0; b < k; b += 1) chosen[b] = (shifts[b] as readonly number[])[index[b] as number] as number;
      corners[0] = cell;
      for (let i = 1; i < corners.length; i += 1) {
        const low = i & -i;
        corners[i] = (corners[i ^ low] as number) + (chosen[31 - Math.clz32(low)] as number);
      }
      if (visit(corners)) return;
      let b = k - 1;
      while (b >= 0 && (index[b] as number) === (shifts[b] as readonly number[]).length - 1) {
        index[b] = 0;
        b -= 1;
      }
      if (b < 0) return;
      index[b] = (index[b] as number) + 1;
    }
  }
}

function popcount(n: number): number {
  let bits = 0;
  for (let x = n; x > 0; x >>= 1) bits += x & 1;
  return bits;
}

// Every line of a grid (cell indices), for each dimension with at least two values.
export function gridLines(shape: GridShape): number[][] {
  const size = shape.reduce((a, b) => a * b, 1);
  const strides = shape.map((_, j) => shape.slice(j + 1).reduce((a, b) => a * b, 1));
  const lines: number[][] = [];
  shape.forEach((length, j) => {
    if (length < 2) return;
    const stride = strides[j] as number;
    for (let cell = 0; cell < size; cell += 1) {
      // A line starts at each cell whose coordinate on dimension j is 0.
      if (Math.floor(cell / stride) % length !== 0) continue;
      lines.push(Array.from({ length }, (_, i) => cell + i * stride));
    }
  });
  return lines;
}

// ---------------------------------------------------------------------------------------------------------
// Releasing an aggregate

/** One member's data for one query: profile groups and their values in the period (canonical unit). */
export interface MemberSeries {
  /** Used only to make sure nobody is counted twice; never released. */
  readonly memberId: string;
  readonly groups: GroupValues;
  readonly values: readonly number[];
}

export interface ReleaseInput {
  readonly statistic: Statistic;
  readonly groupBy: readonly GroupByDimension[];
  /** Only members included by policy and consent; one entry per member. */
  readonly members: readonly MemberSeries[];
  readonly range: PlausibleRange;
  /** Decimals of the category: values are counted in units of 10^-decimals. */
  readonly decimals: number;
  readonly minCellSize: number;
  readonly epsilonMicro: number;
  readonly random: RandomSource;
  /** Bins of a published histogram (default 10). */
  readonly histogramBins?: number;
  /** Bins of the internal histogram quantiles are read from (default 20). */
  readonly quantileBins?: number;
}

export interface HistogramBin {
  readonly from: number;
  readonly to: number;
  /** null when the bin is suppressed. */
  readonly count: number | null;
}

export const QUANTILE_LEVELS = [0.1, 0.25, 0.5, 0.75, 0.9] as const;

export type ReleasedCell =
  | { readonly group: Partial<GroupValues>; readonly suppressed: true }
  | {
      readonly group: Partial<GroupValues>;
      readonly suppressed: false;
      readonly count?: number;
      readonly mean?: number;
      readonly quantiles?: readonly { readonly level: number; readonly value: number }[];
      readonly histogram?: readonly HistogramBin[];
    };

export interface Release {
  readonly cells: readonly ReleasedCell[];
  readonly epsilonMicro: number;
}

export const DEFAULT_HISTOGRAM_BINS = 10;
export const DEFAULT_QUANTILE_BINS = 20;

// Computes one noisy, suppressed answer. Every member lands in exactly one group cell (every dimension has a
// bucket for "not given"), so cells are disjoint and the whole answer costs `epsilonMicro` once (parallel
// composition); within a cell the statistic's own split is described at each branch.
export function releaseAggregate(input: ReleaseInput): Release {
  const { groupBy, range, minCellSize, epsilonMicro, random } = input;
  assertPositiveInteger(epsilonMicro, 'epsilonMicro');
  assertPositiveInteger(minCellSize, 'minCellSize');
  if (!(range.max > range.min)) throw new Error('releaseAggregate: empty range');
  const scale = 10 ** input.decimals;
  const domains = groupBy.map((dimension) => dimensionValues(dimension));
  const shape = domains.map((values) => values.length);
  const groupCount = shape.reduce((a, b) => a * b, 1);

  // One clamped value per member, in its group cell.
  const cellValues: number[][] = Array.from({ length: groupCount }, () => []);
  const seen = new Set<string>();
  for (const member of input.members) {
    if (seen.has(member.memberId)) throw new Error('releaseAggregate: a member is listed twice');
    seen.add(member.memberId);
    const value = memberValue(member.values, range);
    if (value === undefined) continue;
    let index = 0;
    groupBy.forEach((dimension, j) => {
      const position = (domains[j] as readonly string[]).indexOf(member.groups[dimension]);
      if (position < 0) throw new Error(`releaseAggregate: unknown ${dimension} ${member.groups[dimension]}`);
      index = index * (shape[j] as number) + position;
    });
    (cellValues[index] as number[]).push(value);
  }
  const groupOf = (index: number): Partial<GroupValues> => {
    const group: Record<string, string> = {};
    for (let j = groupBy.length - 1; j >= 0; j -= 1) {
      const length = shape[j] as number;
      group[groupBy[j] as string] = (domains[j] as readonly string[])[index % length] as string;
      index = Math.floor(index / length);
    }
    return group as Partial<GroupValues>;
  };

  if (input.statistic === 'histogram') {
    return releaseHistogram(input, cellValues, shape, groupOf);
  }

  const suppressed = suppressCells(
    cellValues.map((values) => values.length),
    shape,
    minCellSize,
  );
  const cells: ReleasedCell[] = cellValues.map((values, index) => {
    const group = groupOf(index);
    if (suppressed[index]) return { group, suppressed: true };
    const n = values.length;
    switch (input.statistic) {
      case 'count':
        // Δ = 1: a member adds or removes one from one cell. Published counts are at least minCellSize,
        // which is already known from the cell not being suppressed (post-processing, no extra cost).
        return { group, suppressed: false, count: noisyCount(n, random, epsilonMicro, minCellSize) };
      case 'mean':
        return { group, suppressed: false, mean: noisyMean(values, input, scale) };
      case 'quantiles':
        return { group, suppressed: false, quantiles: noisyQuantiles(values, input) };
      default:
        throw new Error(`releaseAggregate: unknown statistic ${String(input.statistic)}`);
    }
  });
  return { cells, epsilonMicro };
}

function noisyCount(n: number, random: RandomSource, epsilonMicro: number, floor: number): number {
  return Math.max(floor, n + discreteLaplaceNoise(random, 1, epsilonMicro));
}

// Mean = noisy centred sum / noisy count, each with half of ε. Values are counted in integer units of
// 10^-decimals and centred on the middle c of the range, so one member moves the sum by at most
// Δ = max(max − c, c − min) units and the count by 1.
function noisyMean(values: readonly number[], input: ReleaseInput, scale: number): number {
  const { range, random, epsilonMicro, minCellSize } = input;
  const low = Math.ceil(range.min * scale);
  const high = Math.floor(range.max * scale);
  const centre = Math.floor((low + high) / 2);
  const sensitivity = Math.max(1, high - centre, centre - low);
  const countEpsilon = Math.floor(epsilonMicro / 2);
  const sumEpsilon = epsilonMicro - countEpsilon;
  if (countEpsilon < 1) throw new Error('noisyMean: a mean needs at least 2 micro-ε');
  let sum = 0;
  for (const value of values) sum += Math.min(high, Math.max(low, Math.round(value * scale))) - centre;
  const noisySum = sum + discreteLaplaceNoise(random, sensitivity, sumEpsilon);
  const noisyN = noisyCount(values.length, random, countEpsilon, minCellSize);
  const mean = (centre + noisySum / noisyN) / scale;
  return roundTo(clampToRange(mean, range), input.decimals);
}

// Quantiles are read from a noisy histogram of `quantileBins` equal bins over the range: one member moves
// one bin by 1, so each bin gets discrete Laplace noise of scale 1/ε (negative counts become 0), and the
// quantiles are post-processing. Their resolution is a bin width, interpolated linearly within the bin.
function noisyQuantiles(values: readonly number[], input: ReleaseInput): { level: number; value: number }[] {
  const { range, random, epsilonMicro } = input;
  const bins = input.quantileBins ?? DEFAULT_QUANTILE_BINS;
  const counts = binCounts(values, range, bins).map((count) =>
    Math.max(0, count + discreteLaplaceNoise(random, 1, epsilonMicro)),
  );
  const total = counts.reduce((a, b) => a + b, 0);
  const width = (range.max - range.min) / bins;
  return QUANTILE_LEVELS.map((level) => {
    if (total === 0) return { level, value: roundTo((range.min + range.max) / 2, input.decimals) };
    const target = level * total;
    let cumulative = 0;
    for (let bin = 0; bin < bins; bin += 1) {
      const count = counts[bin] as number;
      if (count > 0 && cumulative + count >= target) {
        const value = range.min + width * (bin + (target - cumulative) / count);
        return { level, value: roundTo(clampToRange(value, range), input.decimals) };
      }
      cumulative += count;
    }
    return { level, value: roundTo(range.max, input.decimals) };
  });
}

// A histogram is a grid with one more dimension, the bin: a bin is a cell and gets the same primary and
// complementary suppression (a bin's line along the bins sums to the group's count). One member moves one
// bin of one group by 1, so every bin gets noise of scale 1/ε.
function releaseHistogram(
  input: ReleaseInput,
  cellValues: readonly number[][],
  shape: GridShape,
  groupOf: (index: number) => Partial<GroupValues>,
): Release {
  const { range, random, epsilonMicro, minCellSize } = input;
  const bins = input.histogramBins ?? DEFAULT_HISTOGRAM_BINS;
  assertPositiveInteger(bins, 'histogramBins');
  const counts = cellValues.flatMap((values) => binCounts(values, range, bins));
  const suppressed = suppressCells(counts, [...shape, bins], minCellSize);
  const width = (range.max - range.min) / bins;
  const cells: ReleasedCell[] = cellValues.map((_, index) => {
    const group = groupOf(index);
    const histogram: HistogramBin[] = [];
    let anyPublished = false;
    for (let bin = 0; bin < bins; bin += 1) {
      const at = index * bins + bin;
      const from = roundTo(range.min + width * bin, input.decimals + 2);
      const to = bin === bins - 1 ? range.max : roundTo(range.min + width * (bin + 1), input.decimals + 2);
      if (suppressed[at]) {
        histogram.push({ from, to, count: null });
      } else {
        anyPublished = true;
        histogram.push({ from, to, count: noisyCount(counts[at] as number, random, epsilonMicro, minCellSize) });
      }
    }
    return anyPublished ? { group, suppressed: false, histogram } : { group, suppressed: true };
  });
  return { cells, epsilonMicro };
}

// Members per bin of `bins` equal bins over the range; the top bin includes the maximum.
function binCounts(values: readonly number[], range: PlausibleRange, bins: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (const value of values) {
    const position = Math.floor(((clampToRange(value, range) - range.min) / (range.max - range.min)) * bins);
    const bin = Math.min(bins - 1, Math.max(0, position));
    counts[bin] = (counts[bin] as number) + 1;
  }
  return counts;
}

function roundTo(value: number, decimals: number): number {
  return Number(value.toFixed(decimals)) + 0;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function assertPositiveInteger(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
}
