// The member's chart of one category: day, week or month statistics over the stored observations.
import { findCategory } from '../../policies/observations/catalogue.js';
import { InvalidRequest } from '../errors.js';
import { monthOf } from './chunk-codec.js';
import { contentTag } from './content-tag.js';
import { computeSeries, type SeriesBucket, type SeriesPoint } from './series.js';
import type { VaultStore } from './vault-store.js';

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
  const key = await deps.dataKeyOf(memberId);
  const head = await deps.store.readHead(memberId, key);
  const tag = contentTag(memberId, head.version, { ...query });
  const remembered = deps.store.cache.series(memberId, tag);
  if (remembered) return { unit: category.unit, points: remembered, tag };
  const rows = await deps.store.read(
    memberId,
    key,
    {
      category: category.code,
      fromMonth: query.from && monthOf(query.from.toISOString()),
      toMonth: query.to && monthOf(query.to.toISOString()),
    },
    head,
  );
  const fromIso = query.from?.toISOString();
  const toIso = query.to?.toISOString();
  const inRange = rows.filter(
    (row) => (fromIso === undefined || row.effectiveAt >= fromIso) && (toIso === undefined || row.effectiveAt <= toIso),
  );
  const points = computeSeries(inRange, query.bucket);
  deps.store.cache.rememberSeries(memberId, tag, points);
  return { unit: category.unit, points, tag };
}
