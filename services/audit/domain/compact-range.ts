// The right edge of a Merkle tree (RFC 6962 hashing): the roots of its complete subtrees, largest first. Appending
// a leaf costs O(log n) and the root of the tree so far folds from it, so a checkpoint extends the one before it
// without reading history, and a verifier walks millions of leaves in O(log n) memory. Pure.
import { createHash } from 'node:crypto';
import { nodeHash } from './merkle-tree.js';

export interface CompactRange {
  /** Leaves appended so far. */
  size: number;
  /** Roots of the complete subtrees of the size's binary decomposition, largest (leftmost) first. */
  hashes: Buffer[];
}

/** The empty tree. */
export function emptyRange(): CompactRange {
  return { size: 0, hashes: [] };
}

/** The range with one more leaf (the input is not changed). */
export function appendLeaf(range: CompactRange, leaf: Uint8Array): CompactRange {
  const hashes = [...range.hashes];
  let hash: Buffer = Buffer.from(leaf);
  // Each trailing 1 bit of the old size is a complete subtree that merges with the new one.
  for (let size = range.size; size % 2 === 1; size = Math.floor(size / 2)) hash = nodeHash(hashes.pop()!, hash);
  hashes.push(hash);
  return { size: range.size + 1, hashes };
}

/** The tree's root hash (RFC 6962 MTH); SHA-256 of nothing for the empty tree. */
export function rangeRoot(range: CompactRange): Buffer {
  if (range.hashes.length === 0) return createHash('sha256').digest();
  let root = range.hashes[range.hashes.length - 1]!;
  for (let i = range.hashes.length - 2; i >= 0; i--) root = nodeHash(range.hashes[i]!, root);
  return root;
}

/** True when the stored hashes have the shape a range of this size must have (one per 1 bit of the size). */
export function isWellFormed(range: CompactRange): boolean {
  const ones = range.size.toString(2).replaceAll('0', '').length;
  return Number.isSafeInteger(range.size) && range.size >= 0 && range.hashes.length === ones;
}
