// How a group of observations becomes one sealed chunk and back: compact JSON under the member's data key,
// with associated data binding the ciphertext to its collection, chunk id, member, category, month and schema.
import { findCategory } from '../../policies/observations/catalogue.js';
import { OBSERVATION_SOURCES, type NormalisedObservation } from '../../policies/observations/observation-types.js';
import { openJson, sealJson, type Binding } from '../crypto/aead.js';
import { CHUNK_COLLECTION } from './vault.model.js';

export const CHUNK_SCHEMA_VERSION = 1;

/** The plaintext metadata a chunk carries: whose it is, which category and which UTC month — nothing else. */
export interface ChunkMeta {
  id: string;
  memberId: string;
  category: string;
  /** UTC month of every observation in the chunk, `YYYY-MM`. */
  month: string;
}

/** One row of the sealed payload: [effectiveAt ms, value or components, source index, note?]. */
type PackedRow =
  [number, number | Record<string, number>, number] | [number, number | Record<string, number>, number, string];

/** The binding of a chunk: the plaintext metadata is part of the record id, so changing it breaks the tag. */
export function chunkBinding(meta: ChunkMeta): Binding {
  return {
    collection: CHUNK_COLLECTION,
    recordId: `${meta.id}|${meta.category}|${meta.month}`,
    memberId: meta.memberId,
    schemaVersion: CHUNK_SCHEMA_VERSION,
  };
}

/** The UTC month (`YYYY-MM`) of an ISO instant. */
export function monthOf(effectiveAt: string): string {
  return effectiveAt.slice(0, 7);
}

/** Seals observations that all share the chunk's category and month. */
export function sealChunk(key: Buffer, meta: ChunkMeta, observations: readonly NormalisedObservation[]): Buffer {
  const rows: PackedRow[] = observations.map((o) => {
    const measured = o.components === undefined ? o.value : { ...o.components };
    const source = OBSERVATION_SOURCES.indexOf(o.source);
    const at = Date.parse(o.effectiveAt);
    return o.note === undefined ? [at, measured, source] : [at, measured, source, o.note];
  });
  return sealJson(key, rows, chunkBinding(meta));
}

/** Opens a chunk sealed by `sealChunk`; throws DecryptionFailed for a wrong key, altered bytes or moved chunk. */
export function openChunk(key: Buffer, meta: ChunkMeta, sealed: Buffer): NormalisedObservation[] {
  const category = findCategory(meta.category);
  if (!category) throw new Error(`chunk ${meta.id} names an unknown category`);
  const rows = openJson<PackedRow[]>(key, sealed, chunkBinding(meta));
  return rows.map(([at, measured, source, note]) => {
    const base = {
      category: meta.category,
      unit: category.unit,
      effectiveAt: new Date(at).toISOString(),
      source: OBSERVATION_SOURCES[source] ?? 'manual',
      ...(note === undefined ? {} : { note }),
    };
    return typeof measured === 'number' ? { ...base, value: measured } : { ...base, components: measured };
  });
}

/** What makes two observations the same (category, time, value, source); duplicates are stored once. */
export function duplicateKey(o: NormalisedObservation): string {
  const measured =
    o.components === undefined
      ? String(o.value)
      : Object.keys(o.components)
          .sort()
          .map((name) => `${name}=${o.components[name]}`)
          .join(',');
  return `${o.category}|${o.effectiveAt}|${measured}|${o.source}`;
}
