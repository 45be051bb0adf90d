// What research reads of the members it has already decided may be included (consent first, always): their newest
// directories, the chunks those list in one category and period, and the values or observations in them. Members
// are read a batch at a time, by `_id` only, so a query holds one batch's ciphertext at a time and reads nothing of
// members who are not included — the cost grows with the consenting cohort, not with the vault.
import { addExact, roundedSum } from '../../policies/arithmetic/exact-sum.js';
import type { PlausibleRange } from '../../policies/observations/catalogue.js';
import type { NormalisedObservation } from '../../policies/observations/observation-types.js';
import { toBuffer } from '../db/connection.js';
import type { ChunkMeta } from './chunk-codec.js';
import { DAY_MS, openSummary, type DaySummary, type ValueStats } from './chunk-summary.js';
import { chunkTotals, totalsInside } from './chunk-totals.js';
import { chunkValues } from './chunk-values.js';
import { decryptValues, monthsOf, openSealedChunk } from './sealed-cohort.js';
import type { VaultStore } from './vault-store.js';
import type { ChunkRef, KeyedMember } from './vault.model.js';

/** One category and the period [from, to). */
export interface CohortPeriod {
  category: string;
  from: Date;
  to: Date;
}

/** Members per round of reads: bounds the ciphertext held at once (a year of one category is ~13 chunks each). */
export const MEMBERS_PER_BATCH = 500;

function* batches<T>(items: readonly T[]): Generator<readonly T[]> {
  for (let i = 0; i < items.length; i += MEMBERS_PER_BATCH) yield items.slice(i, i + MEMBERS_PER_BATCH);
}

/** The chunks of the period's category and months each member's newest directory lists (members without any left out). */
export async function cohortRefs(
  store: VaultStore,
  members: readonly KeyedMember[],
  period: CohortPeriod,
): Promise<Map<string, ChunkRef[]>> {
  const months = monthsOf(period.from, period.to);
  const result = new Map<string, ChunkRef[]>();
  for (const batch of batches(members)) {
    for (const [memberId, refs] of await store.newestDirectories(batch)) {
      const listed = refs.filter(
        (ref) => ref.category === period.category && ref.month >= months.from && ref.month <= months.to,
      );
      if (listed.length > 0) result.set(memberId, listed);
    }
  }
  return result;
}

/** Each member's values in the period, once per component asked (undefined: the value itself), decrypted by batch. */
export async function cohortValues(
  store: VaultStore,
  members: readonly KeyedMember[],
  period: CohortPeriod,
  components: readonly (string | undefined)[],
): Promise<Map<string, number[]>[]> {
  const results = components.map(() => new Map<string, number[]>());
  for (const batch of batches(members)) {
    const refs = await cohortRefs(store, batch, period);
    const chunks = await store.sealedChunks([...refs.values()].flat().map((ref) => ref.id));
    const keys = new Map(batch.map((m) => [m.id, m.key]));
    components.forEach((component, i) => {
      const values = decryptValues(refs, chunks, keys, period.from.getTime(), period.to.getTime(), component);
      for (const [memberId, own] of values) results[i]!.set(memberId, own);
    });
  }
  return results;
}

/** Each member's whole observations in the period (the pseudonymised export), opened by batch. */
export async function cohortObservations(
  store: VaultStore,
  members: readonly KeyedMember[],
  period: CohortPeriod,
): Promise<Map<string, NormalisedObservation[]>> {
  const result = new Map<string, NormalisedObservation[]>();
  const [fromMs, toMs] = [period.from.getTime(), period.to.getTime()];
  for (const batch of batches(members)) {
    const refs = await cohortRefs(store, batch, period);
    const chunks = await store.sealedChunks([...refs.values()].flat().map((ref) => ref.id));
    for (const member of batch) {
      const rows: NormalisedObservation[] = [];
      for (const ref of refs.get(member.id) ?? []) {
        const document = chunks.get(ref.id);
        if (!document || document.member !== member.id)
          throw new Error(`chunk ${ref.id} listed in a directory is missing`);
        for (const observation of openSealedChunk(member, document)) {
          const at = Date.parse(observation.effectiveAt);
          if (at >= fromMs && at < toMs) rows.push(observation);
        }
      }
      if (rows.length > 0) result.set(member.id, rows);
    }
  }
  return result;
}

/** A member's count of values in a period and the exactly rounded sum of those values clamped to a range. */
export interface CohortTotal {
  count: number;
  sum: number;
}

/**
 * Each member's count and clamped sum in the period, once per component (undefined: the value) with its range:
 * all that research's statistics need of a member (policies/research/privacy.ts, one value per member). Read
 * from the chunks' sealed summaries; a chunk is decrypted raw only when it has no summary (or one that does not
 * open), when a day of it is cut by the period, or when a value lies outside the range (clamping needs the value).
 * Sums are exact, so the answer equals the one from raw values (`cohortValues` + memberValue) bit for bit.
 */
export async function cohortTotals(
  store: VaultStore,
  members: readonly KeyedMember[],
  period: CohortPeriod,
  components: readonly { name: string | undefined; range: PlausibleRange }[],
): Promise<Map<string, CohortTotal>[]> {
  const results = components.map(() => new Map<string, CohortTotal>());
  const [fromMs, toMs] = [period.from.getTime(), period.to.getTime()];
  for (const batch of batches(members)) {
    const refs = await cohortRefs(store, batch, period);
    const sums = components.map(() => new Map<string, { count: number; partials: number[] }>());
    const own = (c: number, memberId: string) => {
      let total = sums[c]!.get(memberId);
      if (!total) sums[c]!.set(memberId, (total = { count: 0, partials: [] }));
      return total;
    };
    const addStats = (memberId: string, c: number, stats: ValueStats) => {
      const total = own(c, memberId);
      total.count += stats.count;
      for (const x of stats.partials) addExact(total.partials, x);
    };
    // A chunk inside the period whose totals this process already folded needs no read at all.
    const listed: { memberId: string; ref: ChunkRef }[] = [];
    for (const [memberId, chunkRefs] of refs) {
      for (const ref of chunkRefs) {
        const known = store.cache.chunkTotals(ref.id, memberId, ref.category, ref.month);
        const used = known && totalsInside(known, fromMs, toMs, components);
        if (!used) {
          listed.push({ memberId, ref });
          continue;
        }
        used.forEach((stats, c) => {
          if (stats) addStats(memberId, c, stats);
        });
      }
    }
    const summaries = await store.sealedSummaries(listed.map((l) => l.ref.id));
    const keys = new Map(batch.map((m) => [m.id, m.key]));
    const raw: typeof listed = [];
    for (const item of listed) {
      const meta: ChunkMeta = {
        id: item.ref.id,
        memberId: item.memberId,
        category: item.ref.category,
        month: item.ref.month,
      };
      const document = summaries.get(item.ref.id);
      let days: DaySummary[] | undefined;
      try {
        if (document && document.member === item.memberId)
          days = openSummary(keys.get(item.memberId)!, meta, toBuffer(document.sealed));
      } catch {
        days = undefined; // moved or altered: refused, the chunk itself answers
      }
      const totals = days && chunkTotals(days);
      if (totals) store.cache.rememberChunkTotals(meta.id, meta.memberId, meta.category, meta.month, totals);
      const used = days && summaryTotals(days, fromMs, toMs, components);
      if (!used) {
        raw.push(item);
        continue;
      }
      used.forEach((stats, c) => {
        for (const s of stats) addStats(item.memberId, c, s);
      });
    }
    const chunks = await store.sealedChunks(raw.map((r) => r.ref.id));
    for (const { memberId, ref } of raw) {
      const document = chunks.get(ref.id);
      if (!document || document.member !== memberId)
        throw new Error(`chunk ${ref.id} listed in a directory is missing`);
      const meta: ChunkMeta = { id: document._id, memberId, category: document.category, month: document.month };
      components.forEach(({ name, range }, c) => {
        const values: number[] = [];
        chunkValues(keys.get(memberId)!, meta, toBuffer(document.sealed), fromMs, toMs, name, values);
        const total = own(c, memberId);
        for (const value of values) {
          addExact(total.partials, Math.min(range.max, Math.max(range.min, value)));
          total.count += 1;
        }
      });
    }
    sums.forEach((perMember, c) => {
      for (const [memberId, total] of perMember) {
        if (total.count > 0) results[c]!.set(memberId, { count: total.count, sum: roundedSum(total.partials) });
      }
    });
  }
  return results;
}

// The statistics of each component over the days of a summary inside [fromMs, toMs), or undefined when the
// summary cannot answer alone (a day cut by the period, or a value outside its range, which clamping changes).
function summaryTotals(
  days: readonly DaySummary[],
  fromMs: number,
  toMs: number,
  components: readonly { name: string | undefined; range: PlausibleRange }[],
): ValueStats[][] | undefined {
  const used: ValueStats[][] = components.map(() => []);
  for (const day of days) {
    const end = day.day + DAY_MS;
    if (end <= fromMs || day.day >= toMs) continue;
    if (day.day < fromMs || end > toMs) return undefined;
    for (const [c, { name, range }] of components.entries()) {
      const stats = name === undefined ? day.value : day.components?.[name];
      if (!stats) continue;
      if (stats.min < range.min || stats.max > range.max) return undefined;
      used[c]!.push(stats);
    }
  }
  return used;
}
