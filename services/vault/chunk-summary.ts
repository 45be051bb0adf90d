// A chunk's per-day sufficient statistics, sealed beside it: what series (and research, later) need without
// decrypting the chunk's raw values.
//
// One summary per chunk, in the collection `vault_summaries` under the chunk's own `_id`, sealed with the same key
// and AEAD as the chunk (its own nonce) and bound to the summary collection, the chunk id, category, month and the
// member — so a summary cannot be moved to another chunk, member, category or month, nor edited, without failing
// to open. Per UTC day (the days series buckets by): the observation count, and per value or component the count,
// min, max and the exact sum (an expansion, policies/arithmetic/exact-sum.ts), so sums from summaries equal sums
// from raw values bit for bit. The plaintext is padded to a multiple of SUMMARY_PAD_BYTES so its size tells little
// of how many days hold data.
import type { NormalisedObservation } from '../../policies/observations/observation-types.js';
import { addExact, mergeExact } from '../../policies/arithmetic/exact-sum.js';
import { open, seal, type Binding } from '../crypto/aead.js';
import type { ChunkMeta } from './chunk-codec.js';
import { SUMMARY_COLLECTION } from './vault.model.js';

export const SUMMARY_SCHEMA_VERSION = 1;
/** Plaintext padded to a multiple of this (spaces after the JSON): a month of daily values fits one or two. */
export const SUMMARY_PAD_BYTES = 1024;
export const DAY_MS = 86_400_000;

/** Count, min, max and the exact sum (expansion) of one value or component over one day. */
export interface ValueStats {
  count: number;
  min: number;
  max: number;
  partials: number[];
}

/** One UTC day of a chunk. */
export interface DaySummary {
  /** The day as ms since the epoch at 00:00 UTC. */
  day: number;
  /** Observations that day. */
  count: number;
  /** Statistics of single values (absent when the day has only components). */
  value?: ValueStats;
  /** Statistics per component (blood pressure), in the order the day's first observation names them. */
  components?: Record<string, ValueStats>;
}

type PackedStats = [number, number, number, ...number[]];
type PackedDay = [number, number, PackedStats | 0, Record<string, PackedStats> | 0];

/** The binding of a chunk's summary: its own collection, the chunk's id and plaintext metadata, the member. */
export function summaryBinding(meta: ChunkMeta): Binding {
  return {
    collection: SUMMARY_COLLECTION,
    recordId: `${meta.id}|${meta.category}|${meta.month}`,
    memberId: meta.memberId,
    schemaVersion: SUMMARY_SCHEMA_VERSION,
  };
}

/** Adds `stats` into `into` (a new total when undefined): count, min, max and the exact sum. */
export function mergeStats(into: ValueStats | undefined, stats: ValueStats): ValueStats {
  const total = into ?? { count: 0, min: Infinity, max: -Infinity, partials: [] };
  total.count += stats.count;
  if (stats.min < total.min) total.min = stats.min;
  if (stats.max > total.max) total.max = stats.max;
  mergeExact(total.partials, stats.partials);
  return total;
}

function addStats(stats: ValueStats | undefined, value: number): ValueStats {
  const s = stats ?? { count: 0, min: Infinity, max: -Infinity, partials: [] };
  s.count += 1;
  if (value < s.min) s.min = value;
  if (value > s.max) s.max = value;
  addExact(s.partials, value);
  return s;
}

/** The per-UTC-day statistics of a chunk's observations, oldest day first. */
export function summariseDays(observations: readonly NormalisedObservation[]): DaySummary[] {
  const days = new Map<number, DaySummary>();
  for (const o of observations) {
    const at = Date.parse(o.effectiveAt);
    const day = at - (((at % DAY_MS) + DAY_MS) % DAY_MS);
    let entry = days.get(day);
    if (!entry) days.set(day, (entry = { day, count: 0 }));
    entry.count += 1;
    if (o.components === undefined) {
      entry.value = addStats(entry.value, o.value);
    } else {
      const components = (entry.components ??= {});
      for (const [name, value] of Object.entries(o.components)) components[name] = addStats(components[name], value);
    }
  }
  return [...days.values()].sort((a, b) => a.day - b.day);
}

const pack = (s: ValueStats): PackedStats => [s.count, s.min, s.max, ...s.partials];
const unpack = ([count, min, max, ...partials]: PackedStats): ValueStats => ({ count, min, max, partials });

/** Seals the day statistics of the observations of one chunk (call with the chunk's own observations). */
export function sealSummary(key: Buffer, meta: ChunkMeta, observations: readonly NormalisedObservation[]): Buffer {
  const packed: PackedDay[] = summariseDays(observations).map((d) => [
    d.day,
    d.count,
    d.value ? pack(d.value) : 0,
    d.components ? Object.fromEntries(Object.entries(d.components).map(([n, s]) => [n, pack(s)])) : 0,
  ]);
  const json = Buffer.from(JSON.stringify(packed), 'utf8');
  const padded = Buffer.alloc(Math.ceil((json.length + 1) / SUMMARY_PAD_BYTES) * SUMMARY_PAD_BYTES, 0x20);
  json.copy(padded);
  return seal(key, padded, summaryBinding(meta));
}

/** Opens a summary sealed by `sealSummary`; throws DecryptionFailed if it was moved, altered or has another key. */
export function openSummary(key: Buffer, meta: ChunkMeta, sealed: Buffer): DaySummary[] {
  const packed = JSON.parse(open(key, sealed, summaryBinding(meta)).toString('utf8')) as PackedDay[];
  return packed.map(([day, count, value, components]) => ({
    day,
    count,
    ...(value !== 0 && { value: unpack(value) }),
    ...(components !== 0 && {
      components: Object.fromEntries(Object.entries(components).map(([n, s]) => [n, unpack(s)])),
    }),
  }));
}
