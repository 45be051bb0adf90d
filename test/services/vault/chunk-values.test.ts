// The research hot path reads values straight from decrypted chunk bytes; it must agree with the vault's codec.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NormalisedObservation } from '../../../policies/observations/observation-types.js';
import { DecryptionFailed } from '../../../services/crypto/aead.js';
import { chunkValues } from '../../../services/vault/chunk-values.js';
import { openChunk, sealChunk, type ChunkMeta } from '../../../services/vault/chunk-codec.js';

const key = randomBytes(32);
const base = Date.parse('2026-03-01T00:00:00.000Z');

const observation = fc.record({
  offset: fc.integer({ min: 0, max: 30 * 86_400_000 - 1 }),
  value: fc.oneof(
    fc.integer({ min: -500, max: 500 }),
    fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
  ),
  note: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
});

describe('chunkValues', () => {
  it('reads the same values in the same period as opening the chunk does (property)', () => {
    fc.assert(
      fc.property(
        fc.array(observation, { maxLength: 40 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 30 }),
        (rows, a, b) => {
          const meta: ChunkMeta = { id: 'm:1', memberId: 'm', category: 'heart-rate', month: '2026-03' };
          const observations: NormalisedObservation[] = rows.map((r) => ({
            category: 'heart-rate',
            unit: '/min',
            value: r.value,
            effectiveAt: new Date(base + r.offset).toISOString(),
            source: 'manual',
            ...(r.note !== undefined && { note: r.note }),
          }));
          const sealed = sealChunk(key, meta, observations);
          const from = base + Math.min(a, b) * 86_400_000;
          const to = base + Math.max(a, b) * 86_400_000;
          const expected = openChunk(key, meta, sealed)
            .filter((o) => Date.parse(o.effectiveAt) >= from && Date.parse(o.effectiveAt) < to)
            .map((o) => o.value);
          const out: number[] = [];
          chunkValues(key, meta, sealed, from, to, undefined, out);
          expect(out).toEqual(expected);
          // A period covering the whole month takes the path that skips the times.
          const all: number[] = [];
          chunkValues(key, meta, sealed, 0, Date.parse('2027-01-01T00:00:00.000Z'), undefined, all);
          expect(all).toEqual(openChunk(key, meta, sealed).map((o) => o.value));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reads one component of blood pressure', () => {
    const meta: ChunkMeta = { id: 'm:2', memberId: 'm', category: 'blood-pressure', month: '2026-03' };
    const sealed = sealChunk(key, meta, [
      {
        category: 'blood-pressure',
        unit: 'mm[Hg]',
        components: { systolic: 120, diastolic: 80 },
        effectiveAt: '2026-03-02T08:00:00.000Z',
        source: 'manual',
      },
    ]);
    const out: number[] = [];
    chunkValues(key, meta, sealed, base, base + 31 * 86_400_000, 'diastolic', out);
    expect(out).toEqual([80]);
  });

  it('refuses a chunk moved to another member', () => {
    const meta: ChunkMeta = { id: 'm:3', memberId: 'm', category: 'heart-rate', month: '2026-03' };
    const sealed = sealChunk(key, meta, []);
    expect(() => chunkValues(key, { ...meta, memberId: 'x' }, sealed, 0, Infinity, undefined, [])).toThrow(
      DecryptionFailed,
    );
  });
});
