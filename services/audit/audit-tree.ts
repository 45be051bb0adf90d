// Proofs over the stored leaves: inclusion (an entry is in a checkpoint's tree) and consistency (a checkpoint's tree
// is a prefix of a later one). Subtree hashes come from complete, aligned blocks cached in memory (they never change
// in an append-only log). A proof first lists the blocks it needs, then reads every leaf of the uncached ones in ONE
// range query (FerretDB scans the table for any read, so one read beats many), then hashes in memory: a cold process
// reads the leaves once, a warm proof reads only the partial blocks at the right edge (fewer than 2^READ_LEVEL leaves).
import type { Model } from 'mongoose';
import { entryLeaf } from './audit-chain.js';
import type { AuditEntryDocument } from './audit.model.js';
import { consistencyProof, inclusionProof, nodeHash, splitPoint, type SubtreeHash } from './domain/merkle-tree.js';

/** Blocks up to 2^READ_LEVEL leaves are hashed from leaves; larger ones from their two halves. */
const READ_LEVEL = 8;
/** Beyond this many cached blocks the cache starts again (about 8 MB of hashes). */
const MAX_CACHED = 200_000;

/** A bad proof request: a size or index outside the tree, or entries not all stored. */
export class ProofOutOfRange extends Error {
  override readonly name = 'ProofOutOfRange';
}

type Block = readonly [level: number, index: number];

export class AuditTree {
  private readonly blocks = new Map<string, Buffer>();

  constructor(private readonly entries: Model<AuditEntryDocument>) {}

  /** The audit paths of entries `seqs` (leaf index seq − 1) in the tree of the first `size` entries, one read. */
  async inclusions(seqs: readonly number[], size: number): Promise<Buffer[][]> {
    if (seqs.some((seq) => seq < 1 || seq > size)) throw new ProofOutOfRange();
    return this.proveAll(seqs.map((seq) => (subtree: SubtreeHash) => inclusionProof(subtree, seq - 1, size)));
  }

  /** The consistency proof from the tree of size `from` to the tree of size `to`. */
  async consistency(from: number, to: number): Promise<Buffer[]> {
    if (from < 1 || from > to) throw new ProofOutOfRange();
    const [proof] = await this.proveAll([(subtree) => consistencyProof(subtree, from, to)]);
    return proof!;
  }

  /** Runs pure proof builders twice: first to learn which subtrees they need, then with them computed. */
  private async proveAll(builds: readonly ((subtree: SubtreeHash) => Buffer[])[]): Promise<Buffer[][]> {
    const missing: Block[] = [];
    const seen = new Set<string>();
    for (const build of builds) {
      build((start, end) => {
        for (const block of blocksOf(start, end)) this.collectMissing(block, missing, seen);
        return Buffer.alloc(32);
      });
    }
    await this.readBlocks(missing);
    return builds.map((build) => build((start, end) => this.range(start, end)));
  }

  /** The small blocks (≤ READ_LEVEL) that must be hashed from leaves for `block`, not already cached. */
  private collectMissing([level, index]: Block, missing: Block[], seen: Set<string>): void {
    if (this.blocks.has(key(level, index)) || seen.has(key(level, index))) return;
    seen.add(key(level, index));
    if (level <= READ_LEVEL) missing.push([level, index]);
    else {
      this.collectMissing([level - 1, index * 2], missing, seen);
      this.collectMissing([level - 1, index * 2 + 1], missing, seen);
    }
  }

  /** Reads the leaves of all these blocks in one range query and caches each block's hash. */
  private async readBlocks(missing: readonly Block[]): Promise<void> {
    if (missing.length === 0) return;
    const first = Math.min(...missing.map(([level, index]) => index * 2 ** level));
    const end = Math.max(...missing.map(([level, index]) => (index + 1) * 2 ** level));
    const docs = await this.entries
      .find({ _id: { $gt: first, $lte: end } })
      .sort({ _id: 1 })
      .lean();
    if (docs.length !== end - first || docs.some((d, i) => d._id !== first + i + 1)) throw new ProofOutOfRange();
    const leaves: Buffer[] = docs.map((d) => Buffer.from(d.leaf ?? entryLeaf({ ...d, seq: d._id }), 'hex'));
    if (this.blocks.size + missing.length >= MAX_CACHED) this.blocks.clear();
    for (const [level, index] of missing) {
      let row: Buffer[] = leaves.slice(index * 2 ** level - first, (index + 1) * 2 ** level - first);
      while (row.length > 1) row = row.flatMap((h, i) => (i % 2 === 0 ? [nodeHash(h, row[i + 1]!)] : []));
      this.blocks.set(key(level, index), row[0]!);
    }
  }

  /** MTH of leaves [start, end) from cached blocks (all present after readBlocks). */
  private range(start: number, end: number): Buffer {
    const hashes = blocksOf(start, end).map((block) => this.block(block));
    // blocksOf splits as RFC 6962 does: fold from the right.
    let root = hashes[hashes.length - 1]!;
    for (let i = hashes.length - 2; i >= 0; i--) root = nodeHash(hashes[i]!, root);
    return root;
  }

  private block([level, index]: Block): Buffer {
    const cached = this.blocks.get(key(level, index));
    if (cached) return cached;
    const hash = nodeHash(this.block([level - 1, index * 2]), this.block([level - 1, index * 2 + 1]));
    this.blocks.set(key(level, index), hash);
    return hash;
  }
}

/** The complete aligned blocks that make up [start, end) the way RFC 6962 splits it, left to right. */
function blocksOf(start: number, end: number): Block[] {
  const width = end - start;
  if ((width & (width - 1)) === 0 && start % width === 0) return [[Math.log2(width), start / width]];
  const k = splitPoint(width);
  return [...blocksOf(start, start + k), ...blocksOf(start + k, end)];
}

function key(level: number, index: number): string {
  return `${level}:${index}`;
}
