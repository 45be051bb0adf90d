// The member's chart of one category: day, week or month statistics over the stored observations.
import { findCategory } from '../../policies/observations/catalogue.js';
import { InvalidRequest } from '../errors.js';
import { monthOf } from './chunk-codec.js';
import { DAY_MS, type DaySummary } from './chunk-summary.js';
import { contentTag } from './content-tag.js';
import { computeSeries, type SeriesBucket, type SeriesPoint } from './series.js';
import { filterRefs, type VaultStore } from './vault-store.js';
import type { ChunkRef } from './vault.model.js';

export interface SeriesQuery {
  category: string;
  from?: Date | undefined;
  to?: Date | undefined;
  bucket: SeriesBucket;
}

/** A series with the ETag of its answer (member, directory version, query). */
export interface TaggedSeries {
  unit: string;
  points: SeriesPoint[];
  tag: string;
}

/**
 * Day, week or month statistics of one category (per component for blood pressure). The answer for one directory
 * version never changes, so this process keeps it (chunk-cache.ts) and a repeated view costs one directory check.
 */
export async function observationSeries(
  deps: { store: VaultStore; dataKeyOf(memberId: string): Promise<Buffer> },
  memberId: string,
  query: SeriesQuery,
): Promise<TaggedSeries> {
  const category = findCategory(query.category);
  if (!category) throw new InvalidRequest('unknown_category', `There is no category "${query.category}".`);
  // The key read (what makes an erased member's data unreadable everywhere at once) and the directory check, in
  // parallel: a warm view waits for one round trip instead of two, and nothing is answered before the key is read.
  const keyRead = deps.dataKeyOf(memberId);
  const [key, head] = await Promise.all([keyRead, deps.store.readHead(memberId, keyRead)]);
  const tag = contentTag(memberId, head.version, { ...query });
  const remembered = deps.store.cache.series(memberId, tag);
  if (remembered) return { unit: category.unit, points: remembered, tag };
  const refs = filterRefs(head.chunks, {
    category: category.code,
    fromMonth: query.from && monthOf(query.from.toISOString()),
    toMonth: query.to && monthOf(query.to.toISOString()),
  });
  const fromMs = query.from?.getTime() ?? -Infinity;
  const toMs = query.to?.getTime() ?? Infinity; // inclusive, as `to` always was here
  const { days, rawRefs } = planSeries(refs, await deps.store.readSummaries(memberId, key, refs), fromMs, toMs);
  const rows = rawRefs.length === 0 ? [] : await deps.store.readListed(memberId, key, rawRefs);
  const fromIso = query.from?.toISOString();
  const toIso = query.to?.toISOString();
  const inRange = rows.filter(
    (row) => (fromIso === undefined || row.effectiveAt >= fromIso) && (toIso === undefined || row.effectiveAt <= toIso),
  );
  const points = computeSeries(inRange, query.bucket, days);
  deps.store.cache.rememberSeries(memberId, tag, points);
  return { unit: category.unit, points, tag };
}

/**
 * Which days a series takes from summaries and which chunks it reads raw. A month (the chunks of one category and
 * month) is answered from summaries only when every chunk of it has one and none of its days is cut by `from` or
 * `to` (a cut day needs the times of its rows); otherwise its chunks are read raw, deduplicated as always.
 */
export function planSeries(
  refs: readonly ChunkRef[],
  summaries: readonly (readonly DaySummary[] | undefined)[],
  fromMs: number,
  toMs: number,
): { days: DaySummary[]; rawRefs: ChunkRef[] } {
  const months = new Map<string, number[]>();
  refs.forEach((ref, i) => months.set(ref.month, [...(months.get(ref.month) ?? []), i]));
  const days: DaySummary[] = [];
  const rawRefs: ChunkRef[] = [];
  for (const indexes of months.values()) {
    const inside: DaySummary[] = [];
    let usable = true;
    for (const i of indexes) {
      const summary = summaries[i];
      if (!summary) {
        usable = false;
        break;
      }
      for (const day of summary) {
        const last = day.day + DAY_MS - 1;
        if (last < fromMs || day.day > toMs) continue;
        if (day.day < fromMs || last > toMs) {
          usable = false;
          break;
        }
        inside.push(day);
      }
      if (!usable) break;
    }
    if (usable) days.push(...inside);
    else for (const i of indexes) rawRefs.push(refs[i]!);
  }
  return { days, rawRefs };
}
