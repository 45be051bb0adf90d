// Writes the signed tree checkpoints. A new checkpoint always extends the newest signed one before it (its stored
// right edge, checked against its signed root) by the leaves after it, each leaf checked against its entry, and
// signs every required position (each multiple of the interval) on the way. It refuses to sign when the newest
// checkpoint recorded in the anchor file is no longer in the database: that history was rewritten or cut.
import { webcrypto } from 'node:crypto';
import type { Model } from 'mongoose';
import { isDuplicateKey } from '../db/connection.js';
import { AuditKeyError, writeAnchor, readAnchor } from './audit-anchor.js';
import { entryLeaf } from './audit-chain.js';
import type { CheckpointKey } from './audit-key.js';
import type { AuditEntryDocument, SignedCheckpointDocument } from './audit.model.js';
import { appendLeaf, emptyRange, isWellFormed, rangeRoot, type CompactRange } from './domain/compact-range.js';
import { assembleNote, formatCheckpoint, parseVerifierKey, signatureLine, verifyNote } from './domain/signed-note.js';

/** Why a checkpoint was not signed. */
export class CheckpointRefused extends Error {
  override readonly name = 'CheckpointRefused';
}

export interface CheckpointerDeps {
  entries: Model<AuditEntryDocument>;
  signed: Model<SignedCheckpointDocument>;
  key: CheckpointKey;
  checkpointEvery: number;
  anchorPath: string;
}

/** Signs checkpoints over the stored leaves; see the file comment for what it checks first. */
export class Checkpointer {
  constructor(private readonly deps: CheckpointerDeps) {}

  /** Signs a checkpoint at `size` (and every required position before it that has none); no-op if it exists. */
  async checkpointAt(size: number, now: Date): Promise<void> {
    const { signed, checkpointEvery } = this.deps;
    if (await signed.exists({ _id: size })) return;
    const base = await this.trustedBase(size);
    let range = base;
    const leaves = await this.leavesAfter(base.size, size);
    for (const leaf of leaves) {
      range = appendLeaf(range, leaf);
      if (range.size === size || range.size % checkpointEvery === 0) await this.sign(range, now);
    }
  }

  /** Signs the current end of the log if anything was appended since the newest checkpoint (the schedule). */
  async checkpointHead(now: Date): Promise<number | null> {
    const [last] = await this.deps.entries.find({}, { _id: 1 }).sort({ _id: -1 }).limit(1).lean();
    if (!last) return null;
    await this.checkpointAt(last._id, now);
    return last._id;
  }

  /** The right edge of the newest signed checkpoint below `size`, after checking its signature and the anchor. */
  private async trustedBase(size: number): Promise<CompactRange> {
    const { signed, key, anchorPath } = this.deps;
    const latest = readAnchor(anchorPath)?.latest;
    if (latest) {
      const stored = await signed.findById(latest.size).lean();
      if (!stored || stored.note !== latest.note) {
        throw new CheckpointRefused(
          `checkpoint ${latest.size} recorded in ${anchorPath} is missing or different in the database: the audit log was rewritten, nothing is signed over it`,
        );
      }
    }
    const [previous] = await signed
      .find({ _id: { $lt: size } })
      .sort({ _id: -1 })
      .limit(1)
      .lean();
    if (!previous) return emptyRange();
    const range = { size: previous._id, hashes: previous.frontier.map((h) => Buffer.from(h, 'hex')) };
    const genuine =
      verifyNote(previous.note, key.verifier) !== null &&
      isWellFormed(range) &&
      rangeRoot(range).toString('hex') === previous.root &&
      previous.note.includes(`\n${previous._id}\n${rangeRoot(range).toString('base64')}\n`);
    if (!genuine) throw new CheckpointRefused(`checkpoint ${previous._id} does not verify: nothing is signed over it`);
    return range;
  }

  /** The leaves of entries after..size, each recomputed from its entry; refuses a gap or a leaf that does not match. */
  private async leavesAfter(after: number, size: number): Promise<Buffer[]> {
    const docs = await this.deps.entries
      .find({ _id: { $gt: after, $lte: size } })
      .sort({ _id: 1 })
      .lean();
    if (docs.length !== size - after)
      throw new CheckpointRefused(`entries ${after + 1}–${size} are not all stored yet`);
    return docs.map((doc) => {
      const leaf = entryLeaf({ ...doc, seq: doc._id });
      if (doc.leaf !== undefined && leaf !== doc.leaf)
        throw new CheckpointRefused(`entry ${doc._id} does not match its leaf`);
      return Buffer.from(leaf, 'hex');
    });
  }

  private async sign(range: CompactRange, now: Date): Promise<void> {
    const { key, signed, anchorPath } = this.deps;
    const root = rangeRoot(range);
    const text = formatCheckpoint({ origin: key.name, size: range.size, root });
    const signature = await webcrypto.subtle.sign(
      'Ed25519',
      key.signing.privateKey as unknown as webcrypto.CryptoKey,
      new TextEncoder().encode(text),
    );
    const note = assembleNote(text, [signatureLine(key.name, keyIdOf(key), new Uint8Array(signature))]);
    try {
      await signed.create({
        _id: range.size,
        root: root.toString('hex'),
        note,
        frontier: range.hashes.map((h) => h.toString('hex')),
        at: now,
      });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      return; // another instance signed this position first
    }
    const anchor = readAnchor(anchorPath);
    if (!anchor) throw new AuditKeyError(`the audit anchor ${anchorPath} disappeared while the service runs`);
    if ((anchor.latest?.size ?? 0) < range.size)
      writeAnchor(anchorPath, { ...anchor, latest: { size: range.size, note } });
  }
}

function keyIdOf(key: CheckpointKey): Buffer {
  return parseVerifierKey(key.verifier)!.keyId;
}
