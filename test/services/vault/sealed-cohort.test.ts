// Opening the vault's bulk read for research: each member's newest directory decides which chunks count.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { NormalisedObservation } from '../../../policies/observations/observation-types.js';
import { sealChunk } from '../../../services/vault/chunk-codec.js';
import { decryptValues, listedChunks, monthsOf, openSealedChunk } from '../../../services/vault/sealed-cohort.js';
import { headDocument } from '../../../services/vault/vault-store.js';
import type { ChunkDocument, ChunkRef, HeadDocument } from '../../../services/vault/vault.model.js';

const alice = { id: 'alice', key: randomBytes(32) };
const bob = { id: 'bob', key: randomBytes(32) };
const from = new Date('2025-03-01T00:00:00.000Z');
const to = new Date('2025-05-01T00:00:00.000Z');

const heartRate = (effectiveAt: string, value: number): NormalisedObservation => ({
  category: 'heart-rate',
  unit: '/min',
  value,
  effectiveAt,
  source: 'manual',
});

function chunk(member: { id: string; key: Buffer }, n: number, month: string, rows: NormalisedObservation[]) {
  const ref: ChunkRef = { id: `${member.id}:${n}`, category: rows[0]!.category, month };
  const meta = { id: ref.id, memberId: member.id, category: ref.category, month };
  const document: ChunkDocument = {
    _id: ref.id,
    member: member.id,
    category: ref.category,
    month,
    sealed: sealChunk(member.key, meta, rows),
  };
  return { ref, document };
}

describe('monthsOf', () => {
  it('covers the months a half-open period touches', () => {
    expect(monthsOf(from, to)).toEqual({ from: '2025-03', to: '2025-04' });
    expect(monthsOf(from, new Date('2025-04-15T00:00:00.000Z'))).toEqual({ from: '2025-03', to: '2025-04' });
  });
});

describe('listedChunks', () => {
  const march = chunk(alice, 1, '2025-03', [heartRate('2025-03-02T08:00:00.000Z', 60)]);
  const april = chunk(alice, 2, '2025-04', [heartRate('2025-04-02T08:00:00.000Z', 70)]);
  const june = chunk(alice, 3, '2025-06', [heartRate('2025-06-02T08:00:00.000Z', 80)]);

  it('reads only the newest directory of each member', () => {
    const directories = [
      headDocument('alice', alice.key, 1, [march.ref]),
      headDocument('alice', alice.key, 2, [march.ref, april.ref]),
    ];
    expect(listedChunks(directories, [alice], 'heart-rate', from, to).get('alice')).toEqual([march.ref, april.ref]);
  });

  it('skips pruned versions and hints, and members not asked for', () => {
    const pruned: HeadDocument = { _id: 'alice:v:3', version: 3 };
    const hint: HeadDocument = { _id: 'alice:hint', member: 'alice', version: 3 };
    const directories = [
      headDocument('alice', alice.key, 2, [march.ref]),
      pruned,
      hint,
      headDocument('bob', bob.key, 1, []),
    ];
    const refs = listedChunks(directories, [alice], 'heart-rate', from, to);
    expect([...refs.keys()]).toEqual(['alice']);
    expect(refs.get('alice')).toEqual([march.ref]);
  });

  it('leaves out chunks of other categories or months, and members without any', () => {
    const weight = chunk(bob, 1, '2025-03', [
      { ...heartRate('2025-03-02T08:00:00.000Z', 80), category: 'body-weight', unit: 'kg' },
    ]);
    const directories = [
      headDocument('alice', alice.key, 1, [march.ref, june.ref]),
      headDocument('bob', bob.key, 1, [weight.ref]),
    ];
    const refs = listedChunks(directories, [alice, bob], 'heart-rate', from, to);
    expect(refs.get('alice')).toEqual([march.ref]);
    expect(refs.has('bob')).toBe(false);
  });
});

describe('decryptValues and openSealedChunk', () => {
  it('read the same values a member stored, with each member’s own key', () => {
    const a = chunk(alice, 1, '2025-03', [
      heartRate('2025-03-02T08:00:00.000Z', 60),
      heartRate('2025-03-03T08:00:00.000Z', 62),
    ]);
    const b = chunk(bob, 1, '2025-04', [heartRate('2025-04-02T08:00:00.000Z', 90)]);
    const refs = new Map([
      ['alice', [a.ref]],
      ['bob', [b.ref]],
    ]);
    const documents = new Map([
      [a.ref.id, a.document],
      [b.ref.id, b.document],
    ]);
    const keys = new Map([
      ['alice', alice.key],
      ['bob', bob.key],
    ]);
    const values = decryptValues(refs, documents, keys, from.getTime(), to.getTime());
    expect(values).toEqual(
      new Map([
        ['alice', [60, 62]],
        ['bob', [90]],
      ]),
    );
    expect(openSealedChunk(bob, b.document).map((o) => o.value)).toEqual([90]);
  });

  it('fails loudly when a listed chunk is missing', () => {
    const a = chunk(alice, 1, '2025-03', [heartRate('2025-03-02T08:00:00.000Z', 60)]);
    expect(() =>
      decryptValues(
        new Map([['alice', [a.ref]]]),
        new Map(),
        new Map([['alice', alice.key]]),
        from.getTime(),
        to.getTime(),
      ),
    ).toThrow(/listed in a directory is missing/);
  });

  it('refuses to open another member’s chunk with this member’s key', () => {
    const b = chunk(bob, 1, '2025-04', [heartRate('2025-04-02T08:00:00.000Z', 90)]);
    expect(() => openSealedChunk({ id: 'bob', key: alice.key }, b.document)).toThrow();
  });
});
