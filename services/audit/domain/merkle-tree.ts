// RFC 6962 / RFC 9162 Merkle tree over the audit entries: leaf and node hashing, the root of any range, and
// inclusion and consistency proofs with their verifiers. Pure: leaves in, hashes out, no I/O.
import { createHash } from 'node:crypto';

/** SHA-256(0x00 ‖ entry bytes): the hash of one entry as a leaf of the tree. */
export function leafHash(entryBytes: Uint8Array): Buffer {
  return createHash('sha256')
    .update(Buffer.from([0]))
    .update(entryBytes)
    .digest();
}

/** SHA-256(0x01 ‖ left ‖ right): an interior node. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256')
    .update(Buffer.from([1]))
    .update(left)
    .update(right)
    .digest();
}

/** The largest power of two strictly below n (n ≥ 2): where RFC 6962 splits a range. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Reads the hash of the subtree over leaves [start, end): from stored leaves, or a cache of complete subtrees. */
export type SubtreeHash = (start: number, end: number) => Buffer;

/** MTH over leaves[start, end) (RFC 6962 §2.1); the empty tree hashes to SHA-256 of nothing. */
export function rangeHash(leaves: readonly Uint8Array[], start = 0, end = leaves.length): Buffer {
  if (end <= start) return createHash('sha256').digest();
  if (end - start === 1) return Buffer.from(leaves[start]!);
  const k = splitPoint(end - start);
  return nodeHash(rangeHash(leaves, start, start + k), rangeHash(leaves, start + k, end));
}

/** The audit path of leaf `index` in the tree of the first `size` leaves (RFC 9162 §2.1.3.1), leaf-side first. */
export function inclusionProof(subtree: SubtreeHash, index: number, size: number): Buffer[] {
  if (index < 0 || index >= size) throw new RangeError('leaf index outside the tree');
  const path: Buffer[] = [];
  const walk = (start: number, end: number): void => {
    if (end - start === 1) return;
    const k = splitPoint(end - start);
    if (index < start + k) {
      walk(start, start + k);
      path.push(subtree(start + k, end));
    } else {
      walk(start + k, end);
      path.push(subtree(start, start + k));
    }
  };
  walk(0, size);
  return path;
}

/** The consistency proof from the tree of size `from` to the tree of size `to` (RFC 9162 §2.1.4.1). */
export function consistencyProof(subtree: SubtreeHash, from: number, to: number): Buffer[] {
  if (from < 1 || from > to) throw new RangeError('consistency needs 1 ≤ from ≤ to');
  const proof: Buffer[] = [];
  const walk = (start: number, end: number, complete: boolean): void => {
    const m = from - start;
    if (m === end - start) {
      if (!complete) proof.push(subtree(start, end));
      return;
    }
    const k = splitPoint(end - start);
    if (m <= k) {
      walk(start, start + k, complete);
      proof.push(subtree(start + k, end));
    } else {
      walk(start + k, end, false);
      proof.push(subtree(start, start + k));
    }
  };
  walk(0, to, true);
  return proof;
}

/** Recomputes the root from a leaf and its audit path (RFC 9162 §2.1.3.2); true when it equals `root`. */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  path: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leaf);
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/** Checks that the tree (from, oldRoot) is a prefix of (to, newRoot) with the given proof (RFC 9162 §2.1.4.2). */
export function verifyConsistency(
  from: number,
  to: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (from < 1 || from > to) return false;
  if (from === to) return proof.length === 0 && Buffer.from(oldRoot).equals(newRoot);
  const path = isPowerOfTwo(from) ? [Buffer.from(oldRoot), ...proof] : [...proof];
  if (path.length === 0) return false;
  let fn = from - 1;
  let sn = to - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Buffer = Buffer.from(path[0]!);
  let sr: Buffer = Buffer.from(path[0]!);
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(oldRoot) && sr.equals(newRoot);
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}
