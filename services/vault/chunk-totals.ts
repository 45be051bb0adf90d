// A chunk's whole-chunk statistics, folded from its day summaries: what a research query needs of a chunk that lies
// entirely inside its period (every statistic takes one value per member, the clamped mean of their values, so a
// count and an exact sum per component suffice, with min and max to know that no value needs clamping). Kept per
// process by chunk id (chunk-cache.ts): a chunk never changes, so a repeated query reads no summary of it again.
// Pure: no I/O.
import type { PlausibleRange } from '../../policies/observations/catalogue.js';
import { DAY_MS, mergeStats, type DaySummary, type ValueStats } from './chunk-summary.js';

export interface ChunkTotals {
  /** The chunk's first day (ms at 00:00 UTC) and the end of its last day: the span its statistics cover. */
  from: number;
  to: number;
  /** Single values, and each component (blood pressure), over every day of the chunk. */
  value?: ValueStats;
  components: Record<string, ValueStats>;
}

/** The whole chunk's statistics from its day summaries (undefined for a summary without a day). */
export function chunkTotals(days: readonly DaySummary[]): ChunkTotals | undefined {
  if (days.length === 0) return undefined;
  const totals: ChunkTotals = { from: Infinity, to: -Infinity, components: {} };
  for (const day of days) {
    if (day.day < totals.from) totals.from = day.day;
    if (day.day + DAY_MS > totals.to) totals.to = day.day + DAY_MS;
    if (day.value) totals.value = mergeStats(totals.value, day.value);
    for (const [name, stats] of Object.entries(day.components ?? {})) {
      totals.components[name] = mergeStats(totals.components[name], stats);
    }
  }
  return totals;
}

/**
 * Each asked component's statistics over the chunk (null: the chunk has none of it), or undefined when the whole
 * chunk's figures cannot answer: it is not entirely inside [fromMs, toMs), or a value lies outside the component's
 * range (clamping needs the values). The caller then reads the day summaries or the chunk itself.
 */
export function totalsInside(
  totals: ChunkTotals,
  fromMs: number,
  toMs: number,
  components: readonly { name: string | undefined; range: PlausibleRange }[],
): (ValueStats | null)[] | undefined {
  if (totals.from < fromMs || totals.to > toMs) return undefined;
  const used: (ValueStats | null)[] = [];
  for (const { name, range } of components) {
    const stats = (name === undefined ? totals.value : totals.components[name]) ?? null;
    if (stats && (stats.min < range.min || stats.max > range.max)) return undefined;
    used.push(stats);
  }
  return used;
}
