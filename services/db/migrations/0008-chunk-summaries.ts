// 0008: sealed per-day summaries for the chunks written before them (issue 16 item 2, docs/vault.md "Summaries").
// Walks `vault_chunks` in `_id` order (a member's chunks are contiguous: ids begin with the member id), a batch
// ending on a member boundary, and for each member seals a summary for every chunk lacking one — unless a row of
// it repeats a row of another chunk of the same category and month (a past concurrent upload): those months keep
// no summary of that chunk and are read raw, deduplicated, as before. Chunks without a summary read correctly
// throughout. Idempotent (a chunk with a summary is skipped; inserts of an existing `_id` are ignored) and resumable
// (progress: the last member done). Needs members' keys: the runner's `memberKey`.
// Deviation from "self-contained": it seals with the vault's codecs (chunk-codec, chunk-summary), whose formats
// are versioned in their AEAD binding; a change of either format ships its own migration.
import { duplicateKey, openChunk, sealSummary } from '../../vault/index.js';
import type { Migration } from './migration.js';

interface Chunk {
  _id: string;
  member: string;
  category: string;
  month: string;
  sealed: { buffer: ArrayBufferLike } | Buffer;
}
interface User {
  _id: string;
  wrappedKey?: { buffer: ArrayBufferLike } | Buffer;
}

const BATCH = 500;
const asBuffer = (value: { buffer: ArrayBufferLike } | Buffer) =>
  Buffer.isBuffer(value) ? value : Buffer.from((value as { buffer: ArrayBuffer }).buffer);

export const chunkSummaries: Migration = {
  version: 8,
  name: 'chunk-summaries',
  async up(ctx) {
    const chunks = ctx.db.collection<Chunk>('vault_chunks');
    const summaries = ctx.db.collection<{ _id: string }>('vault_summaries');
    const users = ctx.db.collection<User>('users');
    let after = (ctx.progress as { after?: string } | undefined)?.after ?? '';
    let written = 0;
    for (;;) {
      const batch = await chunks
        .find({ _id: { $gt: after } })
        .sort({ _id: 1 })
        .limit(BATCH)
        .toArray();
      if (batch.length === 0) break;
      // Whole members only: the last member of a full batch may go on in the next one.
      let members = [...new Set(batch.map((c) => c.member))];
      if (batch.length === BATCH && members.length > 1) members = members.slice(0, -1);
      const wanted = new Set(members);
      let mine = batch.filter((c) => wanted.has(c.member));
      if (batch.length === BATCH && members.length === 1) {
        // One member with more chunks than a batch: read all of theirs.
        mine = await chunks
          .find({ _id: { $gt: after }, member: members[0]! })
          .sort({ _id: 1 })
          .toArray();
      }
      const have = new Set(
        (await summaries.find({ _id: { $in: mine.map((c) => c._id) } }, { projection: { _id: 1 } }).toArray()).map(
          (s) => s._id,
        ),
      );
      const keys = new Map(
        (await users.find({ _id: { $in: members } }).toArray()).flatMap((u) => {
          if (!u.wrappedKey) return [];
          if (!ctx.memberKey) throw new Error('this migration seals summaries and needs the master key');
          return [[u._id, ctx.memberKey(u._id, asBuffer(u.wrappedKey))] as const];
        }),
      );
      const documents = [];
      for (const member of members) {
        const key = keys.get(member);
        if (!key) continue; // an erased member's leftovers: nothing can open them
        const own = mine.filter((c) => c.member === member);
        const opened = own.map((c) => ({
          chunk: c,
          rows: openChunk(
            key,
            { id: c._id, memberId: member, category: c.category, month: c.month },
            asBuffer(c.sealed),
          ),
        }));
        // How many chunks of each category and month hold each row: a repeated row keeps its month raw.
        const holders = new Map<string, number>();
        for (const { chunk, rows } of opened) {
          for (const dedupe of new Set(rows.map(duplicateKey))) {
            const k = `${chunk.category}|${chunk.month}|${dedupe}`;
            holders.set(k, (holders.get(k) ?? 0) + 1);
          }
        }
        for (const { chunk, rows } of opened) {
          if (have.has(chunk._id)) continue;
          if (rows.some((row) => holders.get(`${chunk.category}|${chunk.month}|${duplicateKey(row)}`)! > 1)) continue;
          const meta = { id: chunk._id, memberId: member, category: chunk.category, month: chunk.month };
          documents.push({
            _id: chunk._id,
            member,
            category: chunk.category,
            month: chunk.month,
            sealed: sealSummary(key, meta, rows),
          });
        }
      }
      if (documents.length > 0) {
        await summaries
          .insertMany(documents, { ordered: false })
          .catch((error: { code?: number; writeErrors?: { code?: number }[] }) => {
            // A summary written meanwhile (a re-run, another instance): the same content under the same _id.
            const codes = error.writeErrors?.map((e) => e.code) ?? [error.code];
            if (!codes.every((code) => code === 11000)) throw error;
          });
        written += documents.length;
      }
      // Past the last chunk of the last whole member.
      after = `${members.at(-1)!}:\uffff`;
      await ctx.saveProgress({ after });
    }
    if (written > 0) ctx.log(`sealed ${written} chunk summaries`);
  },
};
