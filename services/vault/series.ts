// Time series for charts: observations grouped into UTC days, ISO weeks (from Monday) or months, with count,
// mean, min and max per bucket — per component for blood pressure. Pure: no I/O. A bucket's days come either from
// raw observations or from a chunk's sealed day summaries (chunk-summary.ts); sums are exact (exact-sum.ts), so both
// give the same bits.
import { addExact, roundedSum } from '../../policies/arithmetic/exact-sum.js';
import type { NormalisedObservation } from '../../policies/observations/observation-types.js';
import { mergeStats, type DaySummary, type ValueStats } from './chunk-summary.js';

export type SeriesBucket = 'day' | 'week' | 'month';

export interface Statistics {
  count: number;
  mean: number;
  min: number;
  max: number;
}

export interface SeriesPoint {
  /** Start of the bucket, an ISO instant at 00:00 UTC. */
  start: string;
  count: number;
  /** For single-value categories. */
  stats?: Statistics;
  /** For categories with components (blood pressure): statistics per component. */
  components?: Record<string, Statistics>;
}

/** The UTC start of the bucket containing `instant`. */
export function bucketStart(instant: Date, bucket: SeriesBucket): Date {
  const day = Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), instant.getUTCDate());
  if (bucket === 'day') return new Date(day);
  if (bucket === 'month') return new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), 1));
  const sinceMonday = (instant.getUTCDay() + 6) % 7;
  return new Date(day - sinceMonday * 86_400_000);
}

class Accumulator {
  count = 0;
  readonly partials: number[] = [];
  min = Infinity;
  max = -Infinity;
  add(value: number): void {
    this.count += 1;
    addExact(this.partials, value);
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }
  merge(stats: ValueStats): void {
    mergeStats(this, stats);
  }
  result(): Statistics {
    return { count: this.count, mean: round(roundedSum(this.partials) / this.count), min: this.min, max: this.max };
  }
}

interface Bucket {
  count: number;
  value: Accumulator;
  components: Map<string, Accumulator>;
}

/**
 * The UTC day of a stored instant (`YYYY-MM-DDT…Z`) as the number YYYYMMDD, read from the characters without
 * allocating; -1 for any other form of instant (then the instant is parsed).
 */
function utcDayNumber(at: string): number {
  if (at.length < 20 || at.charCodeAt(at.length - 1) !== 90 || at.charCodeAt(4) !== 45 || at.charCodeAt(7) !== 45) {
    return -1;
  }
  let day = 0;
  for (const i of DATE_DIGITS) {
    const digit = at.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    day = day * 10 + digit;
  }
  return day;
}
const DATE_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9];

/**
 * Groups time-ordered or unordered observations of one category, and whole UTC days already summarised (none of
 * them also among the observations), into buckets, oldest first.
 */
export function computeSeries(
  observations: readonly NormalisedObservation[],
  bucket: SeriesBucket,
  days: readonly DaySummary[] = [],
): SeriesPoint[] {
  const buckets = new Map<number, Bucket>();
  // Every observation of a UTC day falls in the same bucket: each day is parsed once, and a run of observations
  // of the same day (the usual, time-ordered case) finds its bucket without a lookup.
  const startOfDay = new Map<number, number>();
  let lastDay = -1;
  let entry: Bucket | undefined;
  for (const observation of observations) {
    const day = utcDayNumber(observation.effectiveAt);
    if (day === -1 || day !== lastDay || !entry) {
      let start = day === -1 ? undefined : startOfDay.get(day);
      if (start === undefined) {
        start = bucketStart(new Date(observation.effectiveAt), bucket).getTime();
        if (day !== -1) startOfDay.set(day, start);
      }
      entry = buckets.get(start);
      if (!entry) buckets.set(start, (entry = { count: 0, value: new Accumulator(), components: new Map() }));
      lastDay = day;
    }
    entry.count += 1;
    if (observation.components === undefined) {
      entry.value.add(observation.value);
    } else {
      for (const [name, value] of Object.entries(observation.components)) {
        let accumulator = entry.components.get(name);
        if (!accumulator) entry.components.set(name, (accumulator = new Accumulator()));
        accumulator.add(value);
      }
    }
  }
  for (const day of days) {
    const start = bucketStart(new Date(day.day), bucket).getTime();
    let target = buckets.get(start);
    if (!target) buckets.set(start, (target = { count: 0, value: new Accumulator(), components: new Map() }));
    target.count += day.count;
    if (day.value) target.value.merge(day.value);
    for (const [name, stats] of Object.entries(day.components ?? {})) {
      let accumulator = target.components.get(name);
      if (!accumulator) target.components.set(name, (accumulator = new Accumulator()));
      accumulator.merge(stats);
    }
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, entry]) => ({
      start: new Date(start).toISOString(),
      count: entry.count,
      ...(entry.value.count > 0 && { stats: entry.value.result() }),
      ...(entry.components.size > 0 && {
        components: Object.fromEntries([...entry.components].map(([name, acc]) => [name, acc.result()])),
      }),
    }));
}

/** Means are shown with at most 12 significant digits, like stored values. */
function round(value: number): number {
  // An integer of at most 12 digits is already that (and is common: a day's steps, a month's single weight).
  if (Number.isInteger(value) && Math.abs(value) < 1e12) return value;
  return Number(value.toPrecision(12));
}
