import { describe, expect, it } from 'vitest';
import type { NormalisedObservation } from '../../../../policies/observations/observation-types.js';
import type { ImportItem } from '../../../../services/vault/imports/import-items.js';
import { runImport } from '../../../../services/vault/imports/import-run.js';

const now = new Date('2026-01-01T00:00:00Z');
const heartRate = (i: number): ImportItem => ({
  kind: 'observation',
  type: 'HR',
  candidate: {
    category: 'heart-rate',
    value: 60,
    unit: '/min',
    effectiveAt: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
    source: 'device',
  },
});

/** A source of `batches` × 100 items that records how far it has been read. */
function countingSource(batches: number) {
  const progress = { read: 0 };
  const source = async function* () {
    for (let b = 0; b < batches; b++) {
      yield Array.from({ length: 100 }, (_, i) => heartRate(b * 100 + i));
      progress.read += 100;
    }
  };
  return { source, progress };
}

describe('runImport', () => {
  it('holds at most one batch: stores each full batch before reading on', async () => {
    const { source, progress } = countingSource(50);
    const sizes: number[] = [];
    const readWhenStored: number[] = [];
    const tally = await runImport(source, {
      now,
      batchSize: 500,
      store: async (batch: NormalisedObservation[]) => {
        sizes.push(batch.length);
        readWhenStored.push(progress.read);
        return { stored: batch.length, duplicates: 0 };
      },
    });
    expect(tally).toMatchObject({ read: 5_000, stored: 5_000 });
    expect(Math.max(...sizes)).toBeLessThanOrEqual(500);
    // The first batch is stored long before the source is exhausted.
    expect(readWhenStored[0]).toBeLessThan(1_000);
  });

  it('counts skipped types, refuses implausible values, and sets future dates and unknown units apart', async () => {
    const items: ImportItem[] = [
      { kind: 'skipped', type: 'HKQuantityTypeIdentifierActiveEnergyBurned' },
      { kind: 'refused', type: 'HR', code: 'unknown_unit' },
      {
        ...heartRate(0),
        candidate: { ...(heartRate(0) as { candidate: object }).candidate, value: 900 },
      } as ImportItem,
      { kind: 'daily-sum', type: 'Steps', category: 'steps', day: '2026-02-01', at: '2026-02-01T10:00:00Z', amount: 5 },
    ];
    const tally = await runImport(
      async function* () {
        yield items;
      },
      { now, batchSize: 10 },
    );
    expect(tally).toMatchObject({
      read: 0,
      skipped: { HKQuantityTypeIdentifierActiveEnergyBurned: 1 },
      refused: { 'HR: out_of_range': 1 },
      refusing: { 'HR: unknown_unit': 1, 'Steps: future_time': 1 },
    });
  });
});
