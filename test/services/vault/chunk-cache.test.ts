// What the vault keeps in memory of a member, per process: everything of an erased member goes (directories,
// opened chunks, day summaries, whole-chunk totals, computed series), nothing of anyone else does; a cached entry
// never answers for another member, category or month than the one it was read for; the budgets hold.
import { describe, expect, it } from 'vitest';
import { VaultReadCache } from '../../../services/vault/chunk-cache.js';

const stats = { count: 1, min: 60, max: 60, partials: [60] };
const totals = { from: 0, to: 86_400_000, value: stats, components: {} };
const day = { day: 0, count: 1, value: stats };

function filled(): VaultReadCache {
  const cache = new VaultReadCache();
  for (const member of ['ana', 'ben']) {
    const chunk = `${member}:heart-rate:2026-01:x`;
    cache.rememberHead(member, { version: 2, chunks: [{ id: chunk, category: 'heart-rate', month: '2026-01' }] });
    cache.rememberChunk(chunk, member, 'heart-rate', '2026-01', []);
    cache.rememberSummary(chunk, member, 'heart-rate', '2026-01', [day]);
    cache.rememberChunkTotals(chunk, member, 'heart-rate', '2026-01', { ...totals });
    cache.rememberSeries(member, '"tag"', [{ start: '2026-01-01T00:00:00.000Z', count: 1 }]);
  }
  return cache;
}

describe('VaultReadCache', () => {
  it('forgets everything of an erased member, and only that', () => {
    const cache = filled();
    expect(cache.sizes).toEqual({ chunks: 2, heads: 2, series: 2, summaries: 2, totals: 2 });
    cache.forgetMember('ana');
    expect(cache.sizes).toEqual({ chunks: 1, heads: 1, series: 1, summaries: 1, totals: 1 });
    const ana = 'ana:heart-rate:2026-01:x';
    expect(cache.head('ana')).toBeUndefined();
    expect(cache.chunk(ana, 'ana', 'heart-rate', '2026-01')).toBeUndefined();
    expect(cache.summary(ana, 'ana', 'heart-rate', '2026-01')).toBeUndefined();
    expect(cache.chunkTotals(ana, 'ana', 'heart-rate', '2026-01')).toBeUndefined();
    expect(cache.series('ana', '"tag"')).toBeUndefined();
    expect(cache.chunkTotals('ben:heart-rate:2026-01:x', 'ben', 'heart-rate', '2026-01')).toEqual(totals);
  });

  it('answers whole-chunk totals only for the member, category and month they were read for', () => {
    const cache = filled();
    const id = 'ben:heart-rate:2026-01:x';
    expect(cache.chunkTotals(id, 'ana', 'heart-rate', '2026-01')).toBeUndefined();
    expect(cache.chunkTotals(id, 'ben', 'steps', '2026-01')).toBeUndefined();
    expect(cache.chunkTotals(id, 'ben', 'heart-rate', '2026-02')).toBeUndefined();
  });

  it('keeps at most its budgets, the least recently used out first', () => {
    const cache = new VaultReadCache({ maxChunkTotals: 2, maxHeadRefs: 3 });
    for (const n of [1, 2, 3]) cache.rememberChunkTotals(`m:c${n}`, 'm', 'heart-rate', '2026-01', { ...totals });
    expect(cache.chunkTotals('m:c1', 'm', 'heart-rate', '2026-01')).toBeUndefined();
    expect(cache.sizes.totals).toBe(2);
    const refs = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ id: `x:${i}`, category: 'heart-rate', month: '2026-01' }));
    cache.rememberHead('a', { version: 1, chunks: refs(2) });
    cache.rememberHead('b', { version: 1, chunks: refs(2) }); // 4 entries > 3: the older directory goes
    expect(cache.head('a')).toBeUndefined();
    expect(cache.head('b')?.chunks).toHaveLength(2);
  });
});
