// The member's chart of one category: day, week or month statistics over the stored observations.
import { findCategory } from '../../policies/observations/catalogue.js';
import { InvalidRequest } from '../errors.js';
import { monthOf } from './chunk-codec.js';
import { computeSeries, type SeriesBucket, type SeriesPoint } from './series.js';
import type { VaultStore } from './vault-store.js';

export interface SeriesQuery {
  category: string;
  from?: Date | undefined;
  to?: Date | undefined;
  bucket: SeriesBucket;
}

/** Day, week or month statistics of one category (per component for blood pressure). */
export async function observationSeries(
  deps: { store: VaultStore; dataKeyOf(memberId: string): Promise<Buffer> },
  memberId: string,
  query: SeriesQuery,
): Promise<{ unit: string; points: SeriesPoint[] }> {
  const category = findCategory(query.category);
  if (!category) throw new InvalidRequest('unknown_category', `There is no category "${query.category}".`);
  const key = await deps.dataKeyOf(memberId);
  const rows = await deps.store.read(memberId, key, {
    category: category.code,
    fromMonth: query.from && monthOf(query.from.toISOString()),
    toMonth: query.to && monthOf(query.to.toISOString()),
  });
  const fromIso = query.from?.toISOString();
  const toIso = query.to?.toISOString();
  const inRange = rows.filter(
    (row) => (fromIso === undefined || row.effectiveAt >= fromIso) && (toIso === undefined || row.effectiveAt <= toIso),
  );
  return { unit: category.unit, points: computeSeries(inRange, query.bucket) };
}
