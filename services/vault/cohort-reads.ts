// What research reads of the members it has already decided may be included (consent first, always): their newest
// directories, the chunks those list in one category and period, and the values or observations in them. Members
// are read a batch at a time, by `_id` only, so a query holds one batch's ciphertext at a time and reads nothing of
// members who are not included — the cost grows with the consenting cohort, not with the vault.
import type { NormalisedObservation } from '../../policies/observations/observation-types.js';
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
