import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecryptionFailed } from '../../../services/crypto/aead.js';
import { openChunk, sealChunk, type ChunkMeta } from '../../../services/vault/chunk-codec.js';
import type { NormalisedObservation } from '../../../policies/observations/observation-types.js';

const observations: NormalisedObservation[] = [
  { category: 'heart-rate', value: 61, unit: '/min', effectiveAt: '2025-03-01T07:00:00.000Z', source: 'device' },
  {
    category: 'heart-rate',
    value: 118,
    unit: '/min',
    effectiveAt: '2025-03-01T07:30:00.000Z',
    source: 'csv',
    note: 'run',
  },
];
const metaOf = (memberId: string, id: string): ChunkMeta => ({
  id,
  memberId,
  category: 'heart-rate',
  month: '2025-03',
});

describe('chunk codec', () => {
  it('opens what it sealed', () => {
    const key = randomBytes(32);
    const meta = metaOf('member-a', 'member-a:01');
    expect(openChunk(key, meta, sealChunk(key, meta, observations))).toEqual(observations);
  });

  it('fails with the generic error when any bit of version, nonce, ciphertext or tag is flipped', () => {
    const key = randomBytes(32);
    const meta = metaOf('member-a', 'member-a:01');
    const sealed = sealChunk(key, meta, observations);
    fc.assert(
      fc.property(fc.nat({ max: sealed.length * 8 - 1 }), (bit) => {
        const altered = Buffer.from(sealed);
        altered[bit >> 3]! ^= 1 << (bit & 7);
        expect(() => openChunk(key, meta, altered)).toThrow(DecryptionFailed);
      }),
      { numRuns: 1500 },
    );
  });

  it('fails when a ciphertext is moved to another chunk, member, category or month', () => {
    const key = randomBytes(32);
    fc.assert(
      fc.property(
        fc.record({
          memberA: fc.uuid(),
          memberB: fc.uuid(),
          idA: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 1, maxLength: 16 }),
          idB: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 1, maxLength: 16 }),
          monthB: fc.constantFrom('2025-03', '2025-04', '1999-12'),
          categoryB: fc.constantFrom('heart-rate', 'respiratory-rate'),
        }),
        ({ memberA, memberB, idA, idB, monthB, categoryB }) => {
          const a: ChunkMeta = { id: `${memberA}:${idA}`, memberId: memberA, category: 'heart-rate', month: '2025-03' };
          const b: ChunkMeta = { id: `${memberB}:${idB}`, memberId: memberB, category: categoryB, month: monthB };
          fc.pre(JSON.stringify(a) !== JSON.stringify(b));
          const sealed = sealChunk(key, a, observations);
          // Swapped into b's place (same key: the worst case, as if one member's key sealed both).
          expect(() => openChunk(key, b, sealed)).toThrow(DecryptionFailed);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("fails under another member's key even with the right binding", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (other) => {
        const key = randomBytes(32);
        const meta = metaOf('member-a', 'member-a:01');
        fc.pre(!Buffer.from(other).equals(key));
        expect(() => openChunk(Buffer.from(other), meta, sealChunk(key, meta, observations))).toThrow(DecryptionFailed);
      }),
      { numRuns: 1000 },
    );
  });
});
