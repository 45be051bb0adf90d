import { describe, expect, it } from 'vitest';
import { appendLeaf, emptyRange, rangeRoot } from '../../../services/audit/domain/compact-range.js';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  rangeHash,
  verifyConsistency,
  verifyInclusion,
} from '../../../services/audit/domain/merkle-tree.js';

// The RFC 6962 test leaves used by Certificate Transparency implementations, and their roots by tree size.
const inputs = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const roots = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const vectorLeaves = inputs.map((hex) => leafHash(Buffer.from(hex, 'hex')));
const leaves = Array.from({ length: 70 }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));
const subtree = (start: number, end: number) => rangeHash(leaves, start, end);

describe('RFC 6962 Merkle tree', () => {
  it('hashes the empty tree to SHA-256 of nothing', () => {
    expect(rangeHash([]).toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it.each(roots.map((root, i) => [i + 1, root]))('gives the published root of the %i-leaf test tree', (size, root) => {
    expect(rangeHash(vectorLeaves.slice(0, size)).toString('hex')).toBe(root);
  });

  it('computes the same root incrementally (compact range) as from all leaves, at every size', () => {
    let range = emptyRange();
    for (let size = 1; size <= leaves.length; size++) {
      range = appendLeaf(range, leaves[size - 1]!);
      expect(rangeRoot(range).equals(rangeHash(leaves, 0, size))).toBe(true);
    }
  });

  it('proves every leaf of every tree up to 40 leaves, and no other leaf or index', () => {
    for (let size = 1; size <= 40; size++) {
      const root = rangeHash(leaves, 0, size);
      for (let index = 0; index < size; index++) {
        const path = inclusionProof(subtree, index, size);
        expect(verifyInclusion(leaves[index]!, index, size, path, root)).toBe(true);
        expect(verifyInclusion(leaves[(index + 1) % 70]!, index, size, path, root)).toBe(false);
        if (size > 1) expect(verifyInclusion(leaves[index]!, (index + 1) % size, size, path, root)).toBe(false);
      }
    }
  });

  it('proves consistency between every pair of sizes up to 40', () => {
    for (let to = 1; to <= 40; to++) {
      const newRoot = rangeHash(leaves, 0, to);
      for (let from = 1; from <= to; from++) {
        const proof = consistencyProof(subtree, from, to);
        expect(verifyConsistency(from, to, rangeHash(leaves, 0, from), newRoot, proof)).toBe(true);
      }
    }
  });

  it('refuses consistency with a rewritten history: one leaf edited before the old size', () => {
    const forged = [...leaves];
    forged[3] = leafHash(Buffer.from('forged'));
    for (const [from, to] of [
      [5, 9],
      [8, 13],
      [16, 32],
      [7, 7],
    ] as const) {
      const proof = consistencyProof((s, e) => rangeHash(forged, s, e), from, to);
      const oldRoot = rangeHash(leaves, 0, from);
      expect(verifyConsistency(from, to, oldRoot, rangeHash(forged, 0, to), proof)).toBe(false);
    }
  });

  it('refuses a proof with a hash changed, added or removed', () => {
    const proof = consistencyProof(subtree, 6, 27);
    const [oldRoot, newRoot] = [rangeHash(leaves, 0, 6), rangeHash(leaves, 0, 27)];
    const flipped = proof.map((h, i) => (i === 1 ? leafHash(h) : h));
    expect(verifyConsistency(6, 27, oldRoot, newRoot, flipped)).toBe(false);
    expect(verifyConsistency(6, 27, oldRoot, newRoot, [...proof, proof[0]!])).toBe(false);
    expect(verifyConsistency(6, 27, oldRoot, newRoot, proof.slice(1))).toBe(false);
    expect(verifyConsistency(27, 6, newRoot, oldRoot, proof)).toBe(false);
  });
});
