// Storage of a member's observations: immutable sealed chunks plus an immutable, versioned, sealed directory.
//
// Nothing here is ever updated in place: an upload inserts new chunks under fresh ids, then commits by claiming the
// next directory version `<member>:v:<n+1>` (a claim, db/claims.ts: exactly one of two concurrent commits wins), and
// the loser rebases its new chunks onto the winner's directory and tries the next version. Nothing is lost. Reads
// are by `_id` (db/document-reads.ts says why that is the fast path).
import { randomBytes } from 'node:crypto';
import type { Connection, mongo } from 'mongoose';
import type { NormalisedObservation } from '../../policies/observations/observation-types.js';
import { openJson, sealJson, type Binding } from '../crypto/aead.js';
import { claimOnce } from '../db/claims.js';
import { toBuffer } from '../db/connection.js';
import { readByCategoryAndMonths, readByIds, readEverything } from '../db/document-reads.js';
import { AppError } from '../errors.js';
import { VaultReadCache } from './chunk-cache.js';
import { duplicateKey, monthOf, openChunk, sealChunk, type ChunkMeta } from './chunk-codec.js';
import { openSummary, sealSummary, type DaySummary } from './chunk-summary.js';
import {
  CHUNK_COLLECTION,
  HEAD_COLLECTION,
  SUMMARY_COLLECTION,
  type ChunkDocument,
  type ChunkFilter,
  type ChunkRef,
  type CohortScope,
  type Head,
  type HeadDocument,
  type KeyedMember,
  type SealedCohort,
  type StoredObservation,
  type StoreResult,
  type SummaryDocument,
} from './vault.model.js';

const HEAD_SCHEMA_VERSION = 1;
/**
 * Directory versions older than this many behind the newest are pruned: their content is dropped but the document
 * (its `_id`) stays, so that version number can never be claimed again by a slow upload that still holds an old
 * head — deleting it would let such an upload commit over newer versions and lose their chunks.
 */
const KEPT_HEAD_VERSIONS = 3;
const MAX_COMMIT_ATTEMPTS = 64;
const READ_CONCURRENCY = 8;

function headBinding(id: string, memberId: string): Binding {
  return { collection: HEAD_COLLECTION, recordId: id, memberId, schemaVersion: HEAD_SCHEMA_VERSION };
}

const headId = (memberId: string, version: number) => `${memberId}:v:${version}`;

/** Opens a directory document read in bulk (research reads every member's newest directory in one read). */
export function openHeadDocument(
  memberId: string,
  key: Buffer,
  document: { _id: string; sealed: unknown },
): ChunkRef[] {
  return openJson<ChunkRef[]>(key, toBuffer(document.sealed as Buffer), headBinding(document._id, memberId));
}
const hintId = (memberId: string) => `${memberId}:hint`;

/** Directory version `version` of a member as stored (bulk seeding for benchmarks; uploads use `commit`). */
export function headDocument(memberId: string, key: Buffer, version: number, chunks: ChunkRef[]): HeadDocument {
  const id = headId(memberId, version);
  return { _id: id, member: memberId, version, sealed: sealJson(key, chunks, headBinding(id, memberId)) };
}

/** Reads and writes sealed observation chunks; every method takes the member's unwrapped data key. */
export class VaultStore {
  readonly chunks: mongo.Collection<ChunkDocument>;
  readonly heads: mongo.Collection<HeadDocument>;
  /** Sealed per-day statistics of each chunk, under the chunk's `_id` (chunk-summary.ts). */
  readonly summaries: mongo.Collection<SummaryDocument>;
  /** Opened chunks and newest directories this process has read (see chunk-cache.ts for why it is safe). */
  readonly cache: VaultReadCache;

  constructor(connection: Connection, cache = new VaultReadCache()) {
    this.chunks = connection.collection<ChunkDocument>(CHUNK_COLLECTION);
    this.heads = connection.collection<HeadDocument>(HEAD_COLLECTION);
    this.summaries = connection.collection<SummaryDocument>(SUMMARY_COLLECTION);
    this.cache = cache;
  }

  /** Stores the observations that are not already in the vault (same category, time, value and source). */
  async store(memberId: string, key: Buffer, observations: readonly NormalisedObservation[]): Promise<StoreResult> {
    const unique = new Map<string, NormalisedObservation>();
    for (const observation of observations) unique.set(duplicateKey(observation), observation);
    const head = await this.readHead(memberId, key);

    const groups = new Map<string, NormalisedObservation[]>();
    for (const observation of unique.values()) {
      const group = `${observation.category}|${monthOf(observation.effectiveAt)}`;
      groups.set(group, [...(groups.get(group) ?? []), observation]);
    }
    const touched = head.chunks.filter((ref) => groups.has(`${ref.category}|${ref.month}`));
    const existing = new Set<string>();
    for (const observation of await this.readChunks(memberId, key, touched)) existing.add(duplicateKey(observation));

    const added: ChunkRef[] = [];
    const documents: ChunkDocument[] = [];
    const summaries: SummaryDocument[] = [];
    let stored = 0;
    for (const [group, members] of groups) {
      const fresh = members.filter((observation) => !existing.has(duplicateKey(observation)));
      if (fresh.length === 0) continue;
      const [category, month] = group.split('|') as [string, string];
      const meta: ChunkMeta = { id: `${memberId}:${randomBytes(8).toString('hex')}`, memberId, category, month };
      fresh.sort((a, b) => a.effectiveAt.localeCompare(b.effectiveAt));
      documents.push({ _id: meta.id, member: memberId, category, month, sealed: sealChunk(key, meta, fresh) });
      summaries.push({ _id: meta.id, member: memberId, category, month, sealed: sealSummary(key, meta, fresh) });
      added.push({ id: meta.id, category, month });
      stored += fresh.length;
    }
    if (documents.length > 0) {
      await this.chunks.insertMany(documents, { ordered: false });
      // Before the commit: a listed chunk either has its summary or none (then it is read raw), never a late one.
      await this.summaries.insertMany(summaries, { ordered: false });
      await this.commit(memberId, key, head, added);
    }
    return { received: observations.length, stored, duplicates: observations.length - stored };
  }

  /** The member's observations in the chunks matching `filter`, duplicates removed, in time order. */
  async read(memberId: string, key: Buffer, filter: ChunkFilter = {}, head?: Head): Promise<StoredObservation[]> {
    const current = head ?? (await this.readHead(memberId, key));
    return this.readListed(memberId, key, filterRefs(current.chunks, filter));
  }

  /** The observations of these listed chunks, duplicates removed, in time order. */
  async readListed(memberId: string, key: Buffer, refs: readonly ChunkRef[]): Promise<StoredObservation[]> {
    const opened = await this.openChunks(memberId, key, refs);
    // A chunk holds no duplicates (an upload removes them before sealing) and a duplicate shares its category and
    // month with the original, so only chunks of the same category and month can repeat each other: the
    // comparison runs there only, keeping the first occurrence in directory order as before.
    const chunksPerGroup = new Map<string, number>();
    for (const ref of refs)
      chunksPerGroup.set(`${ref.category}|${ref.month}`, (chunksPerGroup.get(`${ref.category}|${ref.month}`) ?? 0) + 1);
    const seen = new Map<string, Set<string>>();
    const result: StoredObservation[] = [];
    refs.forEach((ref, i) => {
      const rows = opened[i]!;
      const group = `${ref.category}|${ref.month}`;
      if (chunksPerGroup.get(group) === 1) {
        for (const row of rows) result.push(row);
        return;
      }
      let keys = seen.get(group);
      if (!keys) seen.set(group, (keys = new Set()));
      for (const row of rows) {
        const dedupe = duplicateKey(row);
        if (keys.has(dedupe)) continue;
        keys.add(dedupe);
        result.push(row);
      }
    });
    return result.sort(compareStored);
  }

  /**
   * The newest committed directory. When this process has seen one, one read of the next version says whether it is
   * still the newest; otherwise (or when it changed) start from the hint, and probe upwards by `_id` until a
   * version is missing. Versions are never deleted while the member exists (pruning keeps the `_id`). `key` may still
   * be on its way (a promise): it is needed only to open a directory this process has not seen yet, so a caller can
   * read the key and check the directory in parallel.
   */
  async readHead(memberId: string, key: Buffer | Promise<Buffer>): Promise<Head> {
    const known = this.cache.head(memberId);
    let version = 0;
    let document: HeadDocument | null = null;
    if (known) {
      const next = await this.heads.findOne({ _id: headId(memberId, known.version + 1) });
      if (!next) return known;
      version = known.version + 1;
      document = next;
    }
    // The hint (best effort, usually the newest) saves probing one by one past many versions.
    const hint = await this.heads.findOne({ _id: hintId(memberId) });
    const hinted = Number((hint as { version?: number } | null)?.version ?? 0);
    if (hinted > version) {
      version = hinted;
      document = await this.heads.findOne({ _id: headId(memberId, version) });
    }
    for (;;) {
      const next = await this.heads.findOne({ _id: headId(memberId, version + 1) });
      if (!next) break;
      document = next;
      version += 1;
    }
    if (!document) return { version: 0, chunks: [] };
    // The newest version is never pruned (pruning needs KEPT_HEAD_VERSIONS newer ones).
    if (!document.sealed) throw new Error(`directory version ${document._id} is pruned but newest`);
    const chunks = openJson<ChunkRef[]>(await key, toBuffer(document.sealed), headBinding(document._id, memberId));
    const head = { version, chunks };
    this.cache.rememberHead(memberId, head);
    return head;
  }

  /**
   * Every member's directories and, given a scope, the sealed chunks of its category and months, read in parallel
   * in two bulk reads (ciphertext only: opening needs each member's key).
   */
  async sealedCohort(scope?: CohortScope): Promise<SealedCohort> {
    const [directories, chunks] = await Promise.all([
      readEverything(this.heads),
      scope ? readByCategoryAndMonths(this.chunks, scope.category, scope.months) : [],
    ]);
    return { directories, chunks: new Map(chunks.map((c) => [c._id, c])) };
  }

  /**
   * The newest directory of each of `members`, opened with their key: one `_id $in` read of the hints, one of the
   * hinted versions, then one per version found newer (usually one), each in batches (document-reads.ts). Only
   * these members' documents are read — never the whole collection.
   */
  async newestDirectories(members: readonly KeyedMember[]): Promise<Map<string, ChunkRef[]>> {
    // A directory this process has seen is checked by one probe of the next version (usually absent: nothing
    // decoded); the others start from their hint.
    const known = new Map<string, Head>();
    for (const member of members) {
      const head = this.cache.head(member.id);
      if (head) known.set(member.id, head);
    }
    const unknown = members.filter((m) => !known.has(m.id));
    const hints = await readByIds(
      this.heads,
      unknown.map((m) => hintId(m.id)),
      READ_CONCURRENCY,
    );
    const found = new Map<string, { document: HeadDocument; version: number }>();
    let probing = [
      ...members.flatMap((member) => {
        const head = known.get(member.id);
        return head ? [{ member, version: head.version, first: false }] : [];
      }),
      ...unknown.map((member, i) => ({
        member,
        version: Math.max(Number((hints[i] as { version?: number } | null)?.version ?? 0), 0),
        first: true,
      })),
    ];
    while (probing.length > 0) {
      // First the hinted version itself (when there is one), then the next one up, until none is newer.
      const probed = probing.map((p) => (p.first && p.version > 0 ? p.version : p.version + 1));
      const ids = probing.map((p, i) => headId(p.member.id, probed[i]!));
      const documents = await readByIds(this.heads, ids, READ_CONCURRENCY);
      const next: typeof probing = [];
      probing.forEach((p, i) => {
        const document = documents[i];
        if (document) {
          found.set(p.member.id, { document, version: probed[i]! });
          next.push({ member: p.member, version: probed[i]!, first: false });
        } else if (p.first && p.version > 0) {
          next.push({ ...p, version: 0, first: false }); // a hint past what exists (never written): probe from 1
        }
      });
      probing = next;
    }
    const result = new Map<string, ChunkRef[]>();
    for (const member of members) {
      const newest = found.get(member.id);
      if (!newest) {
        const head = known.get(member.id);
        if (head) result.set(member.id, [...head.chunks]); // no newer version: the one this process has
        continue;
      }
      const { document, version } = newest;
      if (!document.sealed) throw new Error(`directory version ${document._id} is pruned but newest`);
      const chunks = openHeadDocument(member.id, member.key, document as { _id: string; sealed: unknown });
      this.cache.rememberHead(member.id, { version, chunks });
      result.set(member.id, chunks);
    }
    return result;
  }

  /**
   * The opened summary of each ref (same order), from this process's cache or the database; undefined for a chunk
   * without one (written before summaries, or whose upload raced another: read it raw) and for one that does not
   * open or does not match its directory entry (moved or altered: refused, never used — the raw chunk answers).
   */
  async readSummaries(
    memberId: string,
    key: Buffer,
    refs: readonly ChunkRef[],
  ): Promise<(readonly DaySummary[] | undefined)[]> {
    const result: (readonly DaySummary[] | undefined)[] = new Array(refs.length).fill(undefined);
    const missing: number[] = [];
    refs.forEach((ref, i) => {
      const cached = this.cache.summary(ref.id, memberId, ref.category, ref.month);
      if (cached) result[i] = cached;
      else missing.push(i);
    });
    const documents = await readByIds(
      this.summaries,
      missing.map((i) => refs[i]!.id),
      READ_CONCURRENCY,
    );
    missing.forEach((i, j) => {
      const ref = refs[i]!;
      const document = documents[j];
      if (!document || document.member !== memberId) return;
      const meta: ChunkMeta = { id: ref.id, memberId, category: ref.category, month: ref.month };
      try {
        const days = openSummary(key, meta, toBuffer(document.sealed));
        this.cache.rememberSummary(ref.id, memberId, ref.category, ref.month, days);
        result[i] = days;
      } catch {
        // DecryptionFailed (or unreadable plaintext): not this chunk's summary. Refused; the raw chunk is read.
      }
    });
    return result;
  }

  /** The sealed chunks with these ids, by id (ciphertext; the caller opens them with each member's key). */
  async sealedChunks(ids: readonly string[]): Promise<Map<string, ChunkDocument>> {
    const documents = await readByIds(this.chunks, ids, READ_CONCURRENCY);
    return new Map(documents.flatMap((d) => (d ? [[d._id, d] as const] : [])));
  }

  /** The sealed summaries with these chunk ids, by id (ciphertext; the caller opens them with each member's key). */
  async sealedSummaries(ids: readonly string[]): Promise<Map<string, SummaryDocument>> {
    const documents = await readByIds(this.summaries, ids, READ_CONCURRENCY);
    return new Map(documents.flatMap((d) => (d ? [[d._id, d] as const] : [])));
  }

  /** Inserts sealed chunks and directory versions as they are (bulk seeding; uploads use `store`). */
  async insertSealed(
    chunks: readonly ChunkDocument[],
    directories: readonly HeadDocument[],
    summaries: readonly SummaryDocument[] = [],
  ): Promise<void> {
    if (chunks.length > 0) await this.chunks.insertMany([...chunks]);
    if (summaries.length > 0) await this.summaries.insertMany([...summaries]);
    if (directories.length > 0) await this.heads.insertMany([...directories]);
  }

  /** Deletes every chunk and directory version of a member (used on erasure, after the key is destroyed). */
  async deleteAll(memberId: string): Promise<void> {
    // Rare: a filter by member also removes chunks of commits that never completed (no directory lists them).
    // Pruned directory versions carry no member field: match every head of the member by its `_id` prefix.
    const ownHeads = new RegExp(`^${memberId.replace(/[^A-Za-z0-9-]/g, '')}:`);
    this.cache.forgetMember(memberId);
    await Promise.all([
      this.chunks.deleteMany({ member: memberId }),
      this.summaries.deleteMany({ member: memberId }),
      this.heads.deleteMany({ _id: ownHeads }),
    ]);
  }

  private async commit(memberId: string, key: Buffer, base: Head, added: ChunkRef[]): Promise<Head> {
    let head = base;
    const checked = new Set(base.chunks.map((ref) => ref.id));
    const ownGroups = new Map(added.map((ref) => [`${ref.category}|${ref.month}`, ref.id]));
    for (let attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt++) {
      // Our chunks hold nothing the base directory held; a chunk committed since (a concurrent upload) may repeat
      // some of their rows in the same category and month. Reads remove such duplicates, which a summary cannot:
      // drop ours in that group before committing, so the group is read raw (deduplicated) from then on.
      const racing = head.chunks.filter((ref) => !checked.has(ref.id));
      const unsummarised = [...new Set(racing.flatMap((ref) => ownGroups.get(`${ref.category}|${ref.month}`) ?? []))];
      if (unsummarised.length > 0) await this.summaries.deleteMany({ _id: { $in: unsummarised } });
      for (const ref of racing) checked.add(ref.id);
      const version = head.version + 1;
      const id = headId(memberId, version);
      const chunks = [...head.chunks, ...added];
      const sealed = sealJson(key, chunks, headBinding(id, memberId));
      if (
        await claimOnce(this.heads as unknown as mongo.Collection<mongo.Document>, id, {
          member: memberId,
          version,
          sealed,
        })
      ) {
        await this.heads
          .updateOne(
            { _id: hintId(memberId) },
            { $set: { version }, $setOnInsert: { member: memberId } },
            { upsert: true },
          )
          .catch(() => {});
        if (version > KEPT_HEAD_VERSIONS) {
          await this.heads
            .updateOne({ _id: headId(memberId, version - KEPT_HEAD_VERSIONS) }, { $unset: { sealed: '', member: '' } })
            .catch(() => {});
        }
        return { version, chunks };
      }
      // Another upload committed this version first: put our chunks on top of theirs.
      head = await this.readHead(memberId, key);
    }
    throw new AppError(409, 'concurrent_uploads', 'Too many uploads at the same time; try again.');
  }

  private async readChunks(memberId: string, key: Buffer, refs: readonly ChunkRef[]): Promise<StoredObservation[]> {
    return (await this.openChunks(memberId, key, refs)).flat();
  }

  /** The opened rows of each ref, in the order of `refs`: from this process's cache, else read and opened. */
  private async openChunks(
    memberId: string,
    key: Buffer,
    refs: readonly ChunkRef[],
  ): Promise<(readonly StoredObservation[])[]> {
    const result: (readonly StoredObservation[])[] = new Array(refs.length);
    const missing: number[] = [];
    refs.forEach((ref, i) => {
      const cached = this.cache.chunk(ref.id, memberId, ref.category, ref.month);
      if (cached) result[i] = cached;
      else missing.push(i);
    });
    const documents = await readByIds(
      this.chunks,
      missing.map((i) => refs[i]!.id),
      READ_CONCURRENCY,
    );
    missing.forEach((i, j) => {
      const ref = refs[i]!;
      const document = documents[j];
      if (!document) throw new Error(`chunk ${ref.id} listed in the directory is missing`);
      const meta: ChunkMeta = { id: document._id, memberId, category: document.category, month: document.month };
      if (document.member !== memberId || document.category !== ref.category || document.month !== ref.month) {
        throw new Error(`chunk ${ref.id} does not match its directory entry`);
      }
      const suffix = ref.id.slice(memberId.length + 1);
      const rows = openChunk(key, meta, toBuffer(document.sealed)).map((o, row) => ({
        ...o,
        id: `${suffix}-${row}`,
      }));
      this.cache.rememberChunk(ref.id, memberId, ref.category, ref.month, rows);
      result[i] = rows;
    });
    return result;
  }
}

/** The refs matching a chunk filter (category, UTC months inclusive), in directory order. */
export function filterRefs(refs: readonly ChunkRef[], filter: ChunkFilter): ChunkRef[] {
  return refs.filter(
    (ref) =>
      (filter.category === undefined || ref.category === filter.category) &&
      (filter.fromMonth === undefined || ref.month >= filter.fromMonth) &&
      (filter.toMonth === undefined || ref.month <= filter.toMonth),
  );
}

/** Time order, then id: the order of listings, cursors and exports. */
export function compareStored(a: StoredObservation, b: StoredObservation): number {
  return a.effectiveAt < b.effectiveAt
    ? -1
    : a.effectiveAt > b.effectiveAt
      ? 1
      : a.id < b.id
        ? -1
        : a.id > b.id
          ? 1
          : 0;
}
