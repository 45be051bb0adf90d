// The browser's checkpoint check (web-components/api/audit-checkpoint.api.ts) as a pure function: signed notes made
// here with the C2SP format, proofs from the reference tree; every way a served checkpoint can betray a fork.
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { merkle, signedNote } from '../../../services/audit/index.js';
import { checkCheckpoint, type SeenCheckpoint } from '../../../web-components/api/audit-checkpoint.api.js';

const origin = 'coop.test/audit';
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const raw = Buffer.from(String(publicKey.export({ format: 'jwk' }).x), 'base64url');
const verifierKey = signedNote.verifierKey(origin, raw);
const leaves = Array.from({ length: 40 }, (_, i) => merkle.leafHash(Buffer.from(`entry ${i}`)));
const forged = leaves.map((leaf, i) => (i === 3 ? merkle.leafHash(Buffer.from('forged')) : leaf));

function served(tree: Buffer[], size: number, key = privateKey) {
  const root = merkle.rangeHash(tree, 0, size);
  const text = signedNote.formatCheckpoint({ origin, size, root });
  const id = signedNote.parseVerifierKey(verifierKey)!.keyId;
  const note = signedNote.assembleNote(text, [
    signedNote.signatureLine(origin, id, sign(null, Buffer.from(text), key)),
  ]);
  return { verifierKey, checkpoint: { size, root: root.toString('hex'), note } };
}
const proofs = (tree: Buffer[]) => async (from: number, to: number) =>
  merkle.consistencyProof((s, e) => merkle.rangeHash(tree, s, e), from, to).map((h) => h.toString('base64'));
const seenAt = (size: number): SeenCheckpoint => ({
  verifierKey,
  size,
  root: merkle.rangeHash(leaves, 0, size).toString('base64'),
});

describe('the browser checkpoint check', () => {
  it('remembers a first checkpoint, and accepts the same one or a consistent extension', async () => {
    expect(await checkCheckpoint(null, served(leaves, 16), proofs(leaves))).toEqual({
      status: 'first',
      seen: seenAt(16),
    });
    expect(await checkCheckpoint(seenAt(16), served(leaves, 16), proofs(leaves))).toMatchObject({ status: 'same' });
    for (const size of [17, 24, 32, 40]) {
      expect(await checkCheckpoint(seenAt(16), served(leaves, size), proofs(leaves))).toEqual({
        status: 'extended',
        seen: seenAt(size),
      });
    }
  });

  it.each([
    ['a rewritten history', seenAt(16), served(forged, 40), proofs(forged), 'inconsistent'],
    ['a different root at the same size', seenAt(16), served(forged, 16), proofs(forged), 'root_changed'],
    ['a shorter log', seenAt(32), served(leaves, 16), proofs(leaves), 'shrunk'],
    ['no checkpoint any more', seenAt(32), { verifierKey, checkpoint: null }, proofs(leaves), 'shrunk'],
    [
      'another key',
      { ...seenAt(16), verifierKey: `${verifierKey}x` },
      served(leaves, 24),
      proofs(leaves),
      'key_changed',
    ],
    [
      'a signature by another key',
      seenAt(16),
      served(leaves, 24, generateKeyPairSync('ed25519').privateKey),
      proofs(leaves),
      'bad_signature',
    ],
    [
      'a proof the server refuses',
      seenAt(16),
      served(leaves, 24),
      () => Promise.reject(new Error('503')),
      'inconsistent',
    ],
  ])('reports a fork on %s', async (_name, seen, current, proof, reason) => {
    expect(await checkCheckpoint(seen, current, proof)).toEqual({ status: 'fork', reason });
  });

  it('refuses a note whose text was changed after signing', async () => {
    const good = served(leaves, 24);
    const note = good.checkpoint.note.replace('\n24\n', '\n25\n');
    expect(
      await checkCheckpoint(seenAt(16), { ...good, checkpoint: { ...good.checkpoint, note } }, proofs(leaves)),
    ).toEqual({
      status: 'fork',
      reason: 'bad_signature',
    });
  });
});
