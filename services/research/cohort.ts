// Reads the cohort for one research answer in a few bulk reads: every member's wrapped key and consent
// history, then only the consenting members' directories and the chunks of the category and months in scope.
//
// FerretDB 1.24 scans a collection for anything but `_id` equality, and one `_id` look-up costs about as much as a
// small scan (docs/vault.md), so one read per collection beats one read per member by orders of magnitude.
import type { Connection, Model, mongo } from 'mongoose';
import type { ConsentHistory } from '../../policies/research/consent.js';
import type { ResearchProfile } from '../../policies/research/group-by.js';
import type { Keyring } from '../crypto/keyring.js';
import { toBuffer } from '../db/connection.js';
import { openProfile } from '../members/profile.js';
import { userModel, type UserDocument } from '../members/user.model.js';
import { CHUNK_COLLECTION, monthOf, type ChunkMeta } from '../vault/chunk-codec.js';
import { HEAD_COLLECTION, openHeadDocument, type ChunkRef } from '../vault/vault-store.js';
import { chunkValues } from './chunk-values.js';
import { type ConsentStore, openVersions } from './consent-store.js';

/** A member as research sees them before any data is read: key and consent history, nothing else. */
export interface CohortMember {
  id: string;
  key: Buffer;
  history: ConsentHistory;
  /** Sealed profile; opened only for members included in an answer (their groupBy cells). */
  sealedProfile: Buffer;
}

interface HeadDoc {
  _id: string;
  member?: string;
  version?: number;
  sealed?: Buffer;
}

interface ChunkDoc {
  _id: string;
  member: string;
  category: string;
  month: string;
  sealed: Buffer;
}

/** Bulk reads of members, consents, directories and chunks. */
export class CohortReader {
  private readonly users: Model<UserDocument>;
  private readonly heads: mongo.Collection<HeadDoc>;
  private readonly chunks: mongo.Collection<ChunkDoc>;

  constructor(
    connection: Connection,
    private readonly keyring: Keyring,
    private readonly consents: ConsentStore,
  ) {
    this.users = userModel(connection);
    this.heads = connection.collection<HeadDoc>(HEAD_COLLECTION);
    this.chunks = connection.collection<ChunkDoc>(CHUNK_COLLECTION);
  }

  /** Every active member with their unwrapped key and opened consent history. */
  async members(): Promise<CohortMember[]> {
    const [users, consents] = await Promise.all([
      this.users.find({ role: 'member', status: 'active' }, { wrappedKey: 1, profile: 1 }).lean(),
      this.consents.allDocuments(),
    ]);
    return users.map((user) => {
      const key = this.keyring.unwrapMemberKey(user._id, toBuffer(user.wrappedKey));
      const documents = consents.get(user._id) ?? [];
      return {
        id: user._id,
        key,
        history: openVersions(user._id, key, documents),
        sealedProfile: toBuffer(user.profile),
      };
    });
  }

  /** The research profile of a member (birth year, sex, region), for groupBy cells. */
  profileOf(member: CohortMember): ResearchProfile {
    const profile = openProfile(member.key, member.id, member.sealedProfile);
    return { birthYear: profile.birthYear ?? null, sex: profile.sex ?? null, region: profile.region ?? null };
  }

  /** The chunks of `category` in the months of [from, to) listed in each member's newest directory. */
  async chunkRefs(
    members: readonly CohortMember[],
    category: string,
    from: Date,
    to: Date,
  ): Promise<Map<string, ChunkRef[]>> {
    return listedChunks(await this.heads.find({}).toArray(), members, category, from, to);
  }

  /**
   * Everything one answer needs, read in parallel: members with keys and consent, every directory, and the
   * sealed chunks of the category and months (ciphertext only; nothing is opened before consent is checked).
   */
  async snapshot(category: string, from: Date, to: Date): Promise<CohortSnapshot> {
    const months = { $gte: monthOf(from.toISOString()), $lte: monthOf(new Date(to.getTime() - 1).toISOString()) };
    const [members, heads, chunks] = await Promise.all([
      this.members(),
      this.heads.find({}).toArray(),
      this.chunks.find({ category, month: months }).toArray(),
    ]);
    return { members, heads, chunks: new Map(chunks.map((c) => [c._id, c])), category, from, to };
  }

  /** Each included member's values (or one component's) in the snapshot's period. */
  valuesIn(snapshot: CohortSnapshot, included: readonly CohortMember[], component?: string): Map<string, number[]> {
    const refs = listedChunks(snapshot.heads, included, snapshot.category, snapshot.from, snapshot.to);
    const keys = new Map(included.map((m) => [m.id, m.key]));
    return decryptValues(refs, snapshot.chunks, keys, snapshot.from.getTime(), snapshot.to.getTime(), component);
  }

  /**
   * The sealed chunks named in `refs`, read in one query by category and months (an `_id $in` of thousands of ids
   * is evaluated per document on FerretDB); chunks not listed in a directory are dropped.
   */
  async sealedChunks(refs: Map<string, ChunkRef[]>): Promise<Map<string, ChunkDoc>> {
    const listed = [...refs.values()].flat();
    const found = new Map<string, ChunkDoc>();
    if (listed.length === 0) return found;
    const wanted = new Set(listed.map((ref) => ref.id));
    const categories = [...new Set(listed.map((ref) => ref.category))];
    const months = listed.map((ref) => ref.month).sort();
    const filter = { category: { $in: categories }, month: { $gte: months[0]!, $lte: months.at(-1)! } };
    for (const doc of await this.chunks.find(filter).toArray()) if (wanted.has(doc._id)) found.set(doc._id, doc);
    return found;
  }

  /** Each member's values (or one component's) with time in [from, to), decrypting only the listed chunks. */
  async values(
    members: readonly CohortMember[],
    category: string,
    from: Date,
    to: Date,
    component?: string,
  ): Promise<Map<string, number[]>> {
    const refs = await this.chunkRefs(members, category, from, to);
    const documents = await this.sealedChunks(refs);
    const keys = new Map(members.map((m) => [m.id, m.key]));
    return decryptValues(refs, documents, keys, from.getTime(), to.getTime(), component);
  }
}

/** What `CohortReader.snapshot` read. */
export interface CohortSnapshot {
  members: CohortMember[];
  heads: HeadDoc[];
  chunks: Map<string, ChunkDoc>;
  category: string;
  from: Date;
  to: Date;
}

/** The chunks of `category` in the months of [from, to) listed in each member's newest directory. */
function listedChunks(
  heads: readonly HeadDoc[],
  members: readonly CohortMember[],
  category: string,
  from: Date,
  to: Date,
): Map<string, ChunkRef[]> {
  const wanted = new Map(members.map((m) => [m.id, m]));
  const newest = new Map<string, HeadDoc>();
  for (const head of heads) {
    if (head.member === undefined || head.version === undefined || !head.sealed || !wanted.has(head.member)) continue;
    const seen = newest.get(head.member);
    if (!seen || seen.version! < head.version) newest.set(head.member, head);
  }
  const fromMonth = monthOf(from.toISOString());
  const toMonth = monthOf(new Date(to.getTime() - 1).toISOString());
  const refs = new Map<string, ChunkRef[]>();
  for (const [memberId, head] of newest) {
    const member = wanted.get(memberId)!;
    const listed = openHeadDocument(memberId, member.key, head as { _id: string; sealed: unknown }).filter(
      (ref) => ref.category === category && ref.month >= fromMonth && ref.month <= toMonth,
    );
    if (listed.length > 0) refs.set(memberId, listed);
  }
  return refs;
}

/** Decrypts and reads the values of every listed chunk (the compute part the benchmark measures). */
export function decryptValues(
  refs: Map<string, ChunkRef[]>,
  documents: Map<string, ChunkDoc>,
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
