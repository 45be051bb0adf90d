// Daily values from many records: steps summed per local day, asleep intervals merged per night (so a watch and a
// phone recording the same night count it once). Held per day, not per record: a decade is a few thousand entries.
import type { ObservationCandidate } from '../../../policies/observations/observation-types.js';

const HOUR_MS = 3_600_000;

interface DayTotal {
  category: string;
  /** The local offset of the day's first record ("+01:00"), so the day starts at local midnight. */
  offset: string;
  sum: number;
  intervals: [number, number][];
}

/** Accumulates the shares of daily values; `candidates()` gives one observation per category and day. */
export class DailyTotals {
  private readonly days = new Map<string, DayTotal>();

  /** Adds `amount` to the category's total of `day` (`at` is an instant of that day, with its offset). */
  addSum(category: string, day: string, at: string, amount: number): void {
    this.dayOf(category, day, at).sum += amount;
  }

  /** Adds an interval [start, end] to the category's night `day`. */
  addInterval(category: string, day: string, start: string, end: string): void {
    const from = Date.parse(start);
    const to = Date.parse(end);
    if (to > from) this.dayOf(category, day, end).intervals.push([from, to]);
  }

  /** One candidate per category and day, at local midnight: steps per day (`/d`), sleep in hours (`h`). */
  *candidates(): Generator<ObservationCandidate> {
    for (const [key, total] of this.days) {
      const day = key.slice(key.indexOf('|') + 1);
      const effectiveAt = `${day}T00:00:00${total.offset}`;
      if (total.intervals.length > 0) {
        yield {
          category: total.category,
          value: mergedMs(total.intervals) / HOUR_MS,
          unit: 'h',
          effectiveAt,
          source: 'device',
        };
      } else yield { category: total.category, value: total.sum, unit: '/d', effectiveAt, source: 'device' };
    }
  }

  private dayOf(category: string, day: string, at: string): DayTotal {
    const key = `${category}|${day}`;
    let total = this.days.get(key);
    if (!total) {
      const offset = /([+-]\d{2}:\d{2}|Z)$/.exec(at)?.[1] ?? 'Z';
      this.days.set(key, (total = { category, offset, sum: 0, intervals: [] }));
    }
    return total;
  }
}

/** Total length of the union of the intervals. */
function mergedMs(intervals: [number, number][]): number {
  intervals.sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [from, to] = intervals[0]!;
  for (const [start, end] of intervals.slice(1)) {
    if (start > to) {
      total += to - from;
      [from, to] = [start, end];
    } else to = Math.max(to, end);
  }
  return total + (to - from);
}
