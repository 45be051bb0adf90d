// The headline of one metric on the dashboard, from the series the chart already has: the newest value, the
// average of the last 30 days, and how it changed against the 30 days before. Pure, so it is tested without a page.
import type { Series } from '../api/types.js';

const DAY = 86_400_000;
const WINDOW_DAYS = 30;

type Point = Series['points'][number];

export interface MetricSummary {
  /** Mean of the newest bucket with data, and when that bucket starts. */
  latest: { value: number; start: string } | null;
  /** Mean of every observation of the 30 days up to `now` (buckets weighted by their counts). */
  average: number | null;
  /** The same mean over the 30 days before those. */
  previousAverage: number | null;
  /** average − previousAverage, when both exist. */
  change: number | null;
  /** Number of buckets with data in the whole series. */
  buckets: number;
}

/** The value of a point for the chart: the mean, or one component's mean (blood pressure). */
function meanOf(point: Point, component?: string): { mean: number; count: number } | undefined {
  const stats = component ? point.components?.[component] : point.stats;
  return stats ? { mean: stats.mean, count: stats.count } : undefined;
}

function weightedMean(points: readonly Point[], component?: string): number | null {
  let sum = 0;
  let count = 0;
  for (const point of points) {
    const value = meanOf(point, component);
    if (!value) continue;
    sum += value.mean * value.count;
    count += value.count;
  }
  return count === 0 ? null : sum / count;
}

/**
 * Summarises `points` (oldest first) as of `now`. A bucket counts in a window when it starts inside it, so weekly
 * and monthly points are read as the period they start; a daily series gives exact 30-day figures.
 */
export function summariseMetric(points: readonly Point[], now: Date, component?: string): MetricSummary {
  const withData = points.filter((p) => meanOf(p, component) !== undefined);
  const newest = withData.at(-1);
  const end = now.getTime();
  const inWindow = (p: Point, fromDays: number, toDays: number) => {
    const start = Date.parse(p.start);
    return start > end - fromDays * DAY && start <= end - toDays * DAY;
  };
  const average = weightedMean(
    withData.filter((p) => inWindow(p, WINDOW_DAYS, 0)),
    component,
  );
  const previousAverage = weightedMean(
    withData.filter((p) => inWindow(p, 2 * WINDOW_DAYS, WINDOW_DAYS)),
    component,
  );
  return {
    latest: newest ? { value: meanOf(newest, component)!.mean, start: newest.start } : null,
    average,
    previousAverage,
    change: average !== null && previousAverage !== null ? average - previousAverage : null,
    buckets: withData.length,
  };
}

/** Few points do not make a line: such a metric is shown as its values (height measured once a year, say). */
export function isSparse(points: readonly Point[]): boolean {
  return points.filter((p) => p.count > 0).length < 4;
}

/** One point per day reads as noise over a year: weeks beyond three months, months beyond two years. */
export function naturalBucket(days: number): 'day' | 'week' | 'month' {
  return days > 730 ? 'month' : days > 92 ? 'week' : 'day';
}
