// Privacy protections applied to every aggregate answer (spec §6, docs/research.md): one value per member, clamped
// to the catalogue range; discrete Laplace noise from an injected random source; release decided on noisy member
// counts only (threshold τ = the policy's minCellSize); the ε budget in integer micro-ε.
import { randomFillSync } from 'node:crypto';
import { MICRO_PER_EPSILON, type Statistic } from './access-policy.js';
import type { PlausibleRange } from '../observations/catalogue.js';
import { addExact, roundedSum } from '../arithmetic/exact-sum.js';
import { INTERVAL_LEVEL, discreteLaplaceHalfWidth, noiseScale } from './noise-interval.js';
import { dimensionValues, type GroupByDimension, type GroupValues } from './group-by.js';

/** How far a noisy value may be from the truth (pure arithmetic, shared with the browser). */
export { INTERVAL_LEVEL, discreteLaplaceHalfWidth, noiseScale } from './noise-interval.js';

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
// The sum is exact (policies/arithmetic/exact-sum.ts): the same from raw values as from the vault's per-day
// summaries (memberTotalValue), whatever the order.
export function memberValue(values: readonly number[], range: PlausibleRange): number | undefined {
  const partials: number[] = [];
  let n = 0;
  for (const value of values) {
    if (!Number.isFinite(value)) continue;
    addExact(partials, clampToRange(value, range));
    n += 1;
  }
  return memberTotalValue({ count: n, sum: roundedSum(partials) }, range);
}

/** A member's count of values and the exactly rounded sum of their clamped values (from summaries or raw). */
export interface MemberTotal {
  readonly count: number;
  readonly sum: number;
}

// One member's contribution from their total: the same as memberValue of the values it was summed from.
export function memberTotalValue(total: MemberTotal, range: PlausibleRange): number | undefined {
  return total.count === 0 ? undefined : clampToRange(total.sum / total.count, range);
}
// ---------------------------------------------------------------------------------------------------------
// Releasing an aggregate

/** One member's data for one query: profile groups and their values in the period (canonical unit). */
export interface MemberSeries {
  /** Used only to make sure nobody is counted twice; never released. */
  readonly memberId: string;
  readonly groups: GroupValues;
  /** The member's values, or (`total`) their count and clamped sum already computed. */
  readonly values?: readonly number[];
  readonly total?: MemberTotal;
}

export interface ReleaseInput {
  readonly statistic: Statistic;
  readonly groupBy: readonly GroupByDimension[];
  /** Only members included by policy and consent; one entry per member. */
  readonly members: readonly MemberSeries[];
  readonly range: PlausibleRange;
  /** Decimals of the category: values are counted in units of 10^-decimals. */
  readonly decimals: number;
  /** The policy's cell size: the release threshold τ on every noisy member count. */
  readonly minCellSize: number;
  readonly epsilonMicro: number;
  readonly random: RandomSource;
  /** Bins of a published histogram (default 10). */
  readonly histogramBins?: number;
  /** Bins of the internal histogram quantiles are read from (default 20). */
  readonly quantileBins?: number;
}

/** A closed interval that holds the noiseless value with probability at least INTERVAL_LEVEL. */
export type Interval = readonly [number, number];

export interface HistogramBin {
  readonly from: number;
  readonly to: number;
  /** The bin's noisy member count, or null when that noisy count is below τ. */
  readonly count: number | null;
  readonly interval95: Interval | null;
}

export const QUANTILE_LEVELS = [0.1, 0.25, 0.5, 0.75, 0.9] as const;

export type ReleasedCell =
  | { readonly group: Partial<GroupValues>; readonly suppressed: true }
  | {
      readonly group: Partial<GroupValues>;
      readonly suppressed: false;
      /** The noisy member count the release was decided on (for a histogram: the sum of its released bins). */
      readonly count?: number;
      readonly mean?: number;
      /** Each with a 95 % interval holding the noiseless quantile (all five at once: see quantileIntervals). */
      readonly quantiles?: readonly { readonly level: number; readonly value: number; readonly interval95: Interval }[];
      readonly histogram?: readonly HistogramBin[];
      /** The scale b = Δ/ε of the noise on the released statistic, in its own unit (see docs/research.md). */
      readonly noiseScale: number;
      /** A 95 % interval for the released count or mean; null for quantiles (each has its own) and histograms. */
      readonly interval95: Interval | null;
    };

export interface Release {
  readonly cells: readonly ReleasedCell[];
  readonly epsilonMicro: number;
  /** δ of the mechanism: every aggregate is pure ε-differentially private. */
  readonly delta: 0;
  /** τ: a cell (or bin) is released only when its noisy member count is at least this. */
  readonly threshold: number;
}

export const DEFAULT_HISTOGRAM_BINS = 10;
export const DEFAULT_QUANTILE_BINS = 20;

/** The release rule as the answer states it to researchers. */
export function releaseRule(statistic: Statistic, threshold: number): string {
  const counted =
    statistic === 'count'
      ? 'its noisy member count (the released count itself)'
      : statistic === 'histogram'
        ? "the bin's noisy member count (the released bin count itself)"
        : 'a noisy member count drawn with its own share of ε';
  const what = statistic === 'histogram' ? 'Each bin' : 'Each cell';
  return (
    `${what} is released only when ${counted} is at least ${threshold}; ` +
    'the decision never looks at an exact count, and released counts are not floored.'
  );
}

// Computes one noisy answer. Every member lands in exactly one cell of a grid fixed by the query alone (every
// dimension has a bucket for "not given"), so cells are disjoint and the whole answer costs `epsilonMicro` once
// (parallel composition). Within a cell, whether it is released depends only on a noisy member count compared
// with τ = minCellSize — post-processing of an ε-DP value — so the answer is ε-DP with δ = 0.
export function releaseAggregate(input: ReleaseInput): Release {
  const { groupBy, range, minCellSize, epsilonMicro } = input;
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
    const value = member.total ? memberTotalValue(member.total, range) : memberValue(member.values ?? [], range);
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

  const release = (cells: ReleasedCell[]): Release => ({ cells, epsilonMicro, delta: 0, threshold: minCellSize });
  switch (input.statistic) {
    case 'count':
      return release(cellValues.map((values, index) => releaseCount(values.length, groupOf(index), input)));
    case 'mean':
      return release(cellValues.map((values, index) => releaseMean(values, groupOf(index), input, scale)));
    case 'quantiles':
      return release(cellValues.map((values, index) => releaseQuantiles(values, groupOf(index), input)));
    case 'histogram':
      return release(cellValues.map((values, index) => releaseHistogram(values, groupOf(index), input)));
    default:
      throw new Error(`releaseAggregate: unknown statistic ${String(input.statistic)}`);
  }
}

// A noisy member count with the given ε (Δ = 1: a member adds or removes one from one cell).
function noisyCount(n: number, random: RandomSource, epsilonMicro: number): number {
  return n + discreteLaplaceNoise(random, 1, epsilonMicro);
}

// The count, with all of ε: released iff the noisy count reaches τ, and the released count is that noisy count.
function releaseCount(n: number, group: Partial<GroupValues>, input: ReleaseInput): ReleasedCell {
  const count = noisyCount(n, input.random, input.epsilonMicro);
  if (count < input.minCellSize) return { group, suppressed: true };
  const w = discreteLaplaceHalfWidth(1, input.epsilonMicro, 1 - INTERVAL_LEVEL);
  return {
    group,
    suppressed: false,
    count,
    noiseScale: noiseScale(1, input.epsilonMicro),
    interval95: [Math.max(0, count - w), count + w],
  };
}

// Mean = noisy centred sum / noisy count, each with half of ε; the noisy count decides the release. Values are
// counted in integer units of 10^-decimals and centred on the middle c of the range, so one member moves the sum
// by at most Δ = max(max − c, c − min) units and the count by 1. The sum is drawn whatever the decision, so that
// the random source is consumed the same way for every dataset.
function releaseMean(
  values: readonly number[],
  group: Partial<GroupValues>,
  input: ReleaseInput,
  scale: number,
): ReleasedCell {
  const { range, random, epsilonMicro, minCellSize } = input;
  const low = Math.ceil(range.min * scale);
  const high = Math.floor(range.max * scale);
  const centre = Math.floor((low + high) / 2);
  const sensitivity = Math.max(1, high - centre, centre - low);
  const countEpsilon = Math.floor(epsilonMicro / 2);
  const sumEpsilon = epsilonMicro - countEpsilon;
  if (countEpsilon < 1) throw new Error('releaseMean: a mean needs at least 2 micro-ε');
  let sum = 0;
  for (const value of values) sum += Math.min(high, Math.max(low, Math.round(value * scale))) - centre;
  const noisyN = noisyCount(values.length, random, countEpsilon);
  const noisySum = sum + discreteLaplaceNoise(random, sensitivity, sumEpsilon);
  if (noisyN < minCellSize) return { group, suppressed: true };
  const toValue = (centred: number) => roundTo(clampToRange((centre + centred) / scale, range), input.decimals);
  // 95 % for the pair: 97.5 % for the sum and 97.5 % for the count (union bound); the mean lies between the
  // extreme ratios of the box, or anywhere in the range when the count's lower end reaches 0.
  const alpha = (1 - INTERVAL_LEVEL) / 2;
  const ws = discreteLaplaceHalfWidth(sensitivity, sumEpsilon, alpha);
  const wn = discreteLaplaceHalfWidth(1, countEpsilon, alpha);
  let interval: Interval = [roundTo(range.min, input.decimals), roundTo(range.max, input.decimals)];
  if (noisyN - wn >= 1) {
    const ratios = [noisySum - ws, noisySum + ws].flatMap((s) => [s / (noisyN - wn), s / (noisyN + wn)]);
    interval = [toValue(Math.min(...ratios)), toValue(Math.max(...ratios))];
  }
  return {
    group,
    suppressed: false,
    count: noisyN,
    mean: toValue(noisySum / noisyN),
    noiseScale: noiseScale(sensitivity, sumEpsilon) / noisyN / scale,
    interval95: interval,
  };
}

// Quantiles: half of ε on a noisy member count that decides the release, half on a noisy histogram of
// `quantileBins` equal bins over the range (one member moves one bin by 1: noise of scale 1/ε per bin, negative
// counts become 0); the quantiles are post-processing, read with linear interpolation within a bin.
function releaseQuantiles(values: readonly number[], group: Partial<GroupValues>, input: ReleaseInput): ReleasedCell {
  const { range, random, epsilonMicro, minCellSize } = input;
  const countEpsilon = Math.floor(epsilonMicro / 2);
  const binEpsilon = epsilonMicro - countEpsilon;
  if (countEpsilon < 1) throw new Error('releaseQuantiles: quantiles need at least 2 micro-ε');
  const noisyN = noisyCount(values.length, random, countEpsilon);
  const bins = input.quantileBins ?? DEFAULT_QUANTILE_BINS;
  const counts = binCounts(values, range, bins).map((count) =>
    Math.max(0, count + discreteLaplaceNoise(random, 1, binEpsilon)),
  );
  if (noisyN < minCellSize) return { group, suppressed: true };
  const total = counts.reduce((a, b) => a + b, 0);
  const width = (range.max - range.min) / bins;
  const intervals = quantileIntervals(counts, binEpsilon, range, input.decimals);
  const quantiles = QUANTILE_LEVELS.map((level, i) => {
    const interval95 = intervals[i]!;
    if (total === 0) return { level, value: roundTo((range.min + range.max) / 2, input.decimals), interval95 };
    const target = level * total;
    let cumulative = 0;
    for (let bin = 0; bin < bins; bin += 1) {
      const count = counts[bin] as number;
      if (count > 0 && cumulative + count >= target) {
        const value = range.min + width * (bin + (target - cumulative) / count);
        return { level, value: roundTo(clampToRange(value, range), input.decimals), interval95 };
      }
      cumulative += count;
    }
    return { level, value: roundTo(range.max, input.decimals), interval95 };
  });
  return {
    group,
    suppressed: false,
    count: noisyN,
    quantiles,
    noiseScale: noiseScale(1, binEpsilon),
    interval95: null,
  };
}

// 95 % intervals for the quantiles read from noisy bins (post-processing, no extra ε). With probability ≥ 95 %
// every bin's noise is within ±w at once (union bound: w = discreteLaplaceHalfWidth at 5 %/bins per bin; clamping a
// negative count to 0 only moves it towards the truth). Then the true count up to bin j is within C̃_j ± j·w and the
// true count above it within R̃_j ± (bins − j)·w, so the true fraction F_j = C_j / (C_j + R_j) lies between
// Cmin/(Cmin + Rmax) and Cmax/(Cmax + Rmin). The true q-quantile lies in the bin where F first reaches q: it is at or
// after the first bin whose largest possible F_j reaches q, and at or before the first bin whose smallest possible
// F_j does. The interval is those bins' outer edges; it holds all five noiseless quantiles at once with ≥ 95 %.
export function quantileIntervals(
  noisyBins: readonly number[],
  binEpsilonMicro: number,
  range: PlausibleRange,
  decimals: number,
  levels: readonly number[] = QUANTILE_LEVELS,
): Interval[] {
  const bins = noisyBins.length;
  const width = (range.max - range.min) / bins;
  const w = discreteLaplaceHalfWidth(1, binEpsilonMicro, (1 - INTERVAL_LEVEL) / bins);
  const total = noisyBins.reduce((a, b) => a + b, 0);
  const bounds: { min: number; max: number }[] = [];
  let below = 0;
  for (let j = 0; j < bins; j += 1) {
    below += noisyBins[j] as number;
    const above = total - below;
    const cMin = Math.max(0, below - (j + 1) * w);
    const cMax = below + (j + 1) * w;
    const rMin = Math.max(0, above - (bins - j - 1) * w);
    const rMax = above + (bins - j - 1) * w;
    bounds.push({
      min: cMin + rMax === 0 ? 0 : cMin / (cMin + rMax),
      max: cMax + rMin === 0 ? 1 : cMax / (cMax + rMin),
    });
  }
  const edge = (bin: number) => roundTo(range.min + width * bin, decimals + 2);
  return levels.map((level): Interval => {
    const first = bounds.findIndex((b) => b.max >= level);
    const last = bounds.findIndex((b) => b.min >= level);
    const low = first < 0 ? range.min : edge(first);
    const high = last < 0 || last === bins - 1 ? range.max : edge(last + 1);
    // Outwards to the category's decimals, so that the released (rounded) quantile always lies inside.
    const unit = 10 ** decimals;
    const outwards: Interval = [Math.floor(low * unit + 1e-9) / unit, Math.ceil(high * unit - 1e-9) / unit];
    return [Math.max(range.min, outwards[0]), Math.min(range.max, outwards[1])];
  });
}

// A histogram is a grid with one more dimension, the bin: each member lands in one bin of one group, so every
// bin gets its own noisy count with all of ε (parallel composition again) and is released iff that noisy count
// reaches τ. A group is suppressed when none of its bins is released.
function releaseHistogram(values: readonly number[], group: Partial<GroupValues>, input: ReleaseInput): ReleasedCell {
  const { range, random, epsilonMicro, minCellSize } = input;
  const bins = input.histogramBins ?? DEFAULT_HISTOGRAM_BINS;
  assertPositiveInteger(bins, 'histogramBins');
  const width = (range.max - range.min) / bins;
  const w = discreteLaplaceHalfWidth(1, epsilonMicro, 1 - INTERVAL_LEVEL);
  let released = 0;
  let total = 0;
  const histogram = binCounts(values, range, bins).map((n, bin): HistogramBin => {
    const from = roundTo(range.min + width * bin, input.decimals + 2);
    const to = bin === bins - 1 ? range.max : roundTo(range.min + width * (bin + 1), input.decimals + 2);
    const count = noisyCount(n, random, epsilonMicro);
    if (count < minCellSize) return { from, to, count: null, interval95: null };
    released += 1;
    total += count;
    return { from, to, count, interval95: [Math.max(0, count - w), count + w] };
  });
  if (released === 0) return { group, suppressed: true };
  return {
    group,
    suppressed: false,
    count: total,
    histogram,
    noiseScale: noiseScale(1, epsilonMicro),
    interval95: null,
  };
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
