// The dashboard's headline per metric: latest value, 30-day average weighted by counts, change against the 30 days
// before, sparse metrics and the natural bucket for a period.
import { describe, expect, it } from 'vitest';
import { isSparse, naturalBucket, summariseMetric } from '../../web-components/src/metric-summary.js';

const DAY = 86_400_000;
const now = new Date('2026-12-07T12:00:00.000Z');
const daysAgo = (n: number) => new Date(Date.UTC(2026, 11, 7) - n * DAY).toISOString();
const point = (n: number, mean: number, count = 1) => ({
  start: daysAgo(n),
  count,
  stats: { count, mean, min: mean, max: mean },
});

describe('summariseMetric', () => {
  it('gives the newest value, the count-weighted 30-day average and the change against the 30 days before', () => {
    const points = [point(45, 80, 2), point(35, 70, 2), point(20, 60, 1), point(3, 66, 3)];
    const summary = summariseMetric(points, now);
    expect(summary.latest).toEqual({ value: 66, start: daysAgo(3) });
    expect(summary.average).toBeCloseTo((60 * 1 + 66 * 3) / 4, 10);
    expect(summary.previousAverage).toBeCloseTo(75, 10);
    expect(summary.change).toBeCloseTo((60 + 198) / 4 - 75, 10);
    expect(summary.buckets).toBe(4);
  });

  it('says nothing it cannot know: no data, or nothing in one of the windows', () => {
    expect(summariseMetric([], now)).toEqual({
      latest: null,
      average: null,
      previousAverage: null,
      change: null,
      buckets: 0,
    });
    const recentOnly = summariseMetric([point(2, 50)], now);
    expect(recentOnly.average).toBe(50);
    expect(recentOnly.previousAverage).toBeNull();
    expect(recentOnly.change).toBeNull();
  });

  it('reads one component of blood pressure and skips buckets without it', () => {
    const bp = (n: number, systolic: number) => ({
      start: daysAgo(n),
      count: 1,
      components: { systolic: { count: 1, mean: systolic, min: systolic, max: systolic } },
    });
    const summary = summariseMetric([bp(40, 130), bp(10, 120), { start: daysAgo(1), count: 0 }], now, 'systolic');
    expect(summary.latest).toEqual({ value: 120, start: daysAgo(10) });
    expect(summary.change).toBe(-10);
  });
});

describe('isSparse and naturalBucket', () => {
  it('calls fewer than four points with data sparse', () => {
    expect(isSparse([point(300, 178), point(10, 178.4)])).toBe(true);
    expect(isSparse([point(4, 1), point(3, 1), point(2, 1), point(1, 1)])).toBe(false);
  });

  it('chooses days up to three months, weeks up to two years, months beyond', () => {
    expect([30, 92, 93, 365, 730, 731].map(naturalBucket)).toEqual(['day', 'day', 'week', 'week', 'week', 'month']);
  });
});
