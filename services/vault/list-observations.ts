// One page of a member's observations in time order, filtered, continued by an opaque cursor.
import { InvalidRequest } from '../errors.js';
import { monthOf } from './chunk-codec.js';
import { contentTag } from './content-tag.js';
import { compareStored, type VaultStore } from './vault-store.js';
import type { StoredObservation } from './vault.model.js';

export interface ListQuery {
  category?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  limit: number;
  cursor?: string | undefined;
}

const invalidCursor = () => new InvalidRequest('invalid_cursor', 'The cursor is not valid; start again without it.');

/** One page of the member's observations in time order, filtered; `nextCursor` continues after it. */
export async function listObservations(
  deps: { store: VaultStore; dataKeyOf(memberId: string): Promise<Buffer> },
  memberId: string,
  query: ListQuery,
): Promise<{ observations: StoredObservation[]; nextCursor: string | null; tag: string }> {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const key = await deps.dataKeyOf(memberId);
  const head = await deps.store.readHead(memberId, key);
  const fromMs = Math.max(query.from?.getTime() ?? -Infinity, after ? Date.parse(after.effectiveAt) : -Infinity);
  const months = [...new Set(head.chunks.map((c) => c.month))]
    .filter((m) => (Number.isFinite(fromMs) ? m >= monthOf(new Date(fromMs).toISOString()) : true))
    .filter((m) => (query.to ? m <= monthOf(query.to.toISOString()) : true))
    .sort();
  const page: StoredObservation[] = [];
  const fromIso = query.from?.toISOString();
  const toIso = query.to?.toISOString();
  // Month by month, so a page reads only the chunks it needs.
  for (const month of months) {
    const rows = await deps.store.read(
      memberId,
      key,
      { category: query.category, fromMonth: month, toMonth: month },
      head,
    );
    for (const row of rows) {
      if (fromIso !== undefined && row.effectiveAt < fromIso) continue;
      if (toIso !== undefined && row.effectiveAt > toIso) continue;
      if (after && compareStored(row, after) <= 0) continue;
      page.push(row);
    }
    if (page.length > query.limit) break;
  }
  const observations = page.slice(0, query.limit);
  const last = observations.at(-1);
  return {
    observations,
    nextCursor: page.length > query.limit && last ? encodeCursor(last) : null,
    tag: contentTag(memberId, head.version, { ...query }),
  };
}

function encodeCursor(last: StoredObservation): string {
  return Buffer.from(JSON.stringify([last.effectiveAt, last.id]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): StoredObservation {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string' &&
      !Number.isNaN(Date.parse(value[0]))
    ) {
      return { effectiveAt: value[0], id: value[1] } as StoredObservation;
    }
  } catch {
    // fall through
  }
  throw invalidCursor();
}
