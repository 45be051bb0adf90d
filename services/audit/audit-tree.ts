// Proofs over the stored leaves: inclusion (an entry is in a checkpoint's tree) and consistency (a checkpoint's tree
// is a prefix of a later one). Subtree hashes come from complete, aligned blocks of leaves, cached in memory: blocks
// of up to 256 leaves are read in one query, larger ones are built from their halves, so a proof reads at most
// O(256 · log n) leaves once a process has seen the tree (the first proof over n leaves reads them once).
import type { Model } from 'mongoose';
import { consistencyProof, inclusionProof, nodeHash, splitPoint, type SubtreeHash } from './domain/merkle-tree.js';
import { entryLeaf } from './audit-chain.js';
import type { AuditEntryDocument } from './audit.model.js';

/** Blocks of 2^READ_LEVEL leaves are read from the database at once. */
const READ_LEVEL = 8;
/** Beyond this many cached blocks the cache starts again (about 8 MB of hashes). */
const MAX_CACHED = 100_000;

/** A bad proof request: a size or index outside the tree. */
export class ProofOutOfRange extends Error {
  override readonly name = 'ProofOutOfRange';
}

export class AuditTree {
  private readonly blocks = new Map<string, Buffer>();

  constructor(private readonly entries: Model<AuditEntryDocument>) {}

  /** The audit path of entry `seq` (leaf index seq − 1) in the tree of the first `size` entries. */
  async inclusion(seq: number, size: number): Promise<Buffer[]> {
    if (seq < 1 || seq > size) throw new ProofOutOfRange();
    return this.prove((subtree) => inclusionProof(subtree, seq - 1, size));
  }

  /** The consistency proof from the tree of size `from` to the tree of size `to`. */
  async consistency(from: number, to: number): Promise<Buffer[]> {
    if (from < 1 || from > to) throw new ProofOutOfRange();
    return this.prove((subtree) => consistencyProof(subtree, from, to));
  }

  /** Runs a pure proof builder twice: first to learn which subtrees it needs, then with them fetched. */
  private async prove(build: (subtree: SubtreeHash) => Buffer[]): Promise<Buffer[]> {
    const wanted: [number, number][] = [];
    build((start, end) => {
      wanted.push([start, end]);
      return Buffer.alloc(32);
    });
    const hashes = new Map<string, Buffer>();
    for (const [start, end] of wanted) hashes.set(`${start}-${end}`, await this.range(start, end));
    return build((start, end) => hashes.get(`${start}-${end}`)!);
  }

  /** MTH of leaves [start, end): split as RFC 6962 does, down to complete aligned blocks. */
  private async range(start: number, end: number): Promise<Buffer> {
    const width = end - start;
    if ((width & (width - 1)) === 0 && start % width === 0) return this.block(Math.log2(width), start / width);
    const k = splitPoint(width);
    return nodeHash(await this.range(start, start + k), await this.range(start + k, end));
  }

  /** The root of the complete block of 2^level leaves at `index` (leaves index·2^level …). */
  private async block(level: number, index: number): Promise<Buffer> {
    const key = `${level}:${index}`;
    const cached = this.blocks.get(key);
    if (cached) return cached;
    let hash: Buffer;
    if (level > READ_LEVEL) {
      hash = nodeHash(await this.block(level - 1, index * 2), await this.block(level - 1, index * 2 + 1));
    } else {
      const first = index * 2 ** level + 1;
      const count = 2 ** level;
      const docs = await this.entries
        .find({ _id: { $gte: first, $lt: first + count } })
        .sort({ _id: 1 })
        .lean();
      if (docs.length !== count || docs.some((d, i) => d._id !== first + i)) throw new ProofOutOfRange();
      let level0: Buffer[] = docs.map((d) => Buffer.from(d.leaf ?? entryLeaf({ ...d, seq: d._id }), 'hex'));
      while (level0.length > 1) {
        const next: Buffer[] = [];
        for (let i = 0; i < level0.length; i += 2) next.push(nodeHash(level0[i]!, level0[i + 1]!));
        level0 = next;
      }
      hash = level0[0]!;
    }
    if (this.blocks.size >= MAX_CACHED) this.blocks.clear();
    this.blocks.set(key, hash);
    return hash;
  }
}
