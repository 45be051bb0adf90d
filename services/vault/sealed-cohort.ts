// Opening what `Vault.sealedCohort` read, member by member with their own key: which chunks each member's newest
// directory lists in a period, the values in them (the research hot path), or their whole observations (export).
import type { NormalisedObservation } from '../../policies/observations/observation-types.js';
import { toBuffer } from '../db/connection.js';
import { monthOf, openChunk, type ChunkMeta } from './chunk-codec.js';
import { chunkValues } from './chunk-values.js';
import { openHeadDocument } from './vault-store.js';
import type { ChunkDocument, ChunkRef, HeadDocument, KeyedMember } from './vault.model.js';

export type { KeyedMember } from './vault.model.js';

/** The UTC months (inclusive) a period [from, to) touches. */
export function monthsOf(from: Date, to: Date): { from: string; to: string } {
  return { from: monthOf(from.toISOString()), to: monthOf(new Date(to.getTime() - 1).toISOString()) };
}

/** The chunks of `category` in the months of [from, to) listed in each member's newest directory. */
export function listedChunks(
  directories: readonly HeadDocument[],
  members: readonly KeyedMember[],
  category: string,
  from: Date,
  to: Date,
): Map<string, ChunkRef[]> {
  const wanted = new Map(members.map((m) => [m.id, m]));
  const newest = new Map<string, HeadDocument>();
  for (const head of directories) {
    if (head.member === undefined || head.version === undefined || !head.sealed || !wanted.has(head.member)) continue;
    const seen = newest.get(head.member);
    if (!seen || seen.version! < head.version) newest.set(head.member, head);
  }
  const months = monthsOf(from, to);
  const refs = new Map<string, ChunkRef[]>();
  for (const [memberId, head] of newest) {
    const member = wanted.get(memberId)!;
    const listed = openHeadDocument(memberId, member.key, head as { _id: string; sealed: unknown }).filter(
      (ref) => ref.category === category && ref.month >= months.from && ref.month <= months.to,
    );
    if (listed.length > 0) refs.set(memberId, listed);
  }
  return refs;
}

/** Decrypts and reads the values of every listed chunk (the compute part the benchmark measures). */
export function decryptValues(
  refs: Map<string, ChunkRef[]>,
  documents: Map<string, ChunkDocument>,
  keys: Map<string, Buffer>,
  fromMs: number,
  toMs: number,
  component?: string,
): Map<string, number[]> {
  const result = new Map<string, number[]>();
  for (const [memberId, list] of refs) {
    const key = keys.get(memberId)!;
    const out: number[] = [];
    for (const ref of list) {
      const document = documents.get(ref.id);
      if (!document || document.member !== memberId)
        throw new Error(`chunk ${ref.id} listed in a directory is missing`);
      const meta: ChunkMeta = { id: document._id, memberId, category: document.category, month: document.month };
      chunkValues(key, meta, toBuffer(document.sealed), fromMs, toMs, component, out);
    }
    if (out.length > 0) result.set(memberId, out);
  }
  return result;
}

/** The observations of one sealed chunk of `member`, opened with their key. */
export function openSealedChunk(member: KeyedMember, document: ChunkDocument): NormalisedObservation[] {
  const meta: ChunkMeta = { id: document._id, memberId: member.id, category: document.category, month: document.month };
  return openChunk(member.key, meta, toBuffer(document.sealed));
}
