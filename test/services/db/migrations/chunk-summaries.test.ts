// Migration 0008: chunks written before summaries get one; a chunk repeating rows of another in its month does
// not (that month stays raw and deduplicated); a re-run is a no-op; the series then reads summaries, same answer.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NormalisedObservation } from '../../../../policies/observations/observation-types.js';
import { memberKeyOpener } from '../../../../services/crypto/keyring.js';
import { chunkSummaries } from '../../../../services/db/migrations/0008-chunk-summaries.js';
import type { MigrationContext } from '../../../../services/db/migrations/migration.js';
import { sealChunk } from '../../../../services/vault/chunk-codec.js';
import { observationSeries } from '../../../../services/vault/observation-series.js';
import { computeSeries } from '../../../../services/vault/series.js';
import { VaultStore } from '../../../../services/vault/vault-store.js';
import { registerAndLogin } from '../../../helpers/builders.js';
import { createTestApp, type TestApp } from '../../../helpers/test-app.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const hr = (value: number, effectiveAt: string): NormalisedObservation => ({
  category: 'heart-rate',
  unit: '/min',
  value,
  effectiveAt,
  source: 'device',
});

function context(progress?: unknown): MigrationContext {
  return {
    db: app.connection.db!,
    log: () => {},
    progress,
    saveProgress: async () => {},
    memberKey: memberKeyOpener(app.masterKey),
  };
}

describe('migration 0008 (chunk-summaries)', () => {
  it('backfills summaries, skips a month with repeated rows, and is a no-op when run again', async () => {
    const summaries = app.connection.db!.collection<{ _id: string; member: string; sealed: { buffer: ArrayBuffer } }>(
      'vault_summaries',
    );
    const a = await registerAndLogin(app);
    const b = await registerAndLogin(app);
    for (const [i, member] of [a, b].entries()) {
      for (let u = 0; u < 3; u++) {
        await app.services.vault.storeObservations(
          member.id,
          Array.from({ length: 20 }, (_, k) =>
            hr(50 + ((k * 7 + u + i) % 90) + 0.1, new Date(Date.UTC(2025, 2 + u, 1 + k, 9, 30)).toISOString()),
          ),
        );
      }
    }
    // As if written before summaries: none left.
    await summaries.deleteMany({ member: { $in: [a.id, b.id] } });
    // And a past concurrent upload for b: a second chunk of April repeating a row of b’s first April chunk.
    const key = await app.services.vault.memberKey(b.id);
    const store = new VaultStore(app.connection);
    const head = await store.readHead(b.id, key);
    const april = head.chunks.find((r) => r.month === '2025-04')!;
    const repeated = (await store.readListed(b.id, key, [april]))[0]!;
    const id = `${b.id}:${randomBytes(8).toString('hex')}`;
    const meta = { id, memberId: b.id, category: 'heart-rate', month: '2025-04' };
    const { id: _row, ...row } = repeated;
    await store.chunks.insertOne({
      _id: id,
      member: b.id,
      category: 'heart-rate',
      month: '2025-04',
      sealed: sealChunk(key, meta, [row, hr(61, '2025-04-28T10:00:00.000Z')]),
    });
    const { headDocument } = await import('../../../../services/vault/vault-store.js');
    await store.heads.insertOne(
      headDocument(b.id, key, head.version + 1, [...head.chunks, { id, category: 'heart-rate', month: '2025-04' }]),
    );
    await store.heads.updateOne({ _id: `${b.id}:hint` }, { $set: { version: head.version + 1 } });

    await chunkSummaries.up(context());
    expect(await summaries.countDocuments({ member: a.id })).toBe(3);
    // b: March and May summarised; both April chunks share a row, so neither gets one.
    const bSummaries = await summaries.find({ member: b.id }).toArray();
    expect(bSummaries).toHaveLength(2);
    expect(bSummaries.map((s) => s._id)).not.toContain(april.id);
    expect(bSummaries.map((s) => s._id)).not.toContain(id);

    // Run again (as after a crash, from no progress): nothing changes.
    const before = (
      await summaries
        .find({ member: { $in: [a.id, b.id] } })
        .sort({ _id: 1 })
        .toArray()
    ).map((s) => Buffer.from(s.sealed.buffer).toString('hex'));
    await chunkSummaries.up(context());
    await chunkSummaries.up(context({ after: '' }));
    const after = (
      await summaries
        .find({ member: { $in: [a.id, b.id] } })
        .sort({ _id: 1 })
        .toArray()
    ).map((s) => Buffer.from(s.sealed.buffer).toString('hex'));
    expect(after).toEqual(before);

    // The series reads the summaries, and the repeated row is still counted once.
    for (const member of [a, b]) {
      const memberKey = await app.services.vault.memberKey(member.id);
      const raw = computeSeries(
        await new VaultStore(app.connection).read(member.id, memberKey, { category: 'heart-rate' }),
        'month',
      );
      const served = await observationSeries(
        { store: new VaultStore(app.connection), dataKeyOf: () => Promise.resolve(memberKey) },
        member.id,
        { category: 'heart-rate', bucket: 'month' },
      );
      expect(JSON.stringify(served.points)).toBe(JSON.stringify(raw));
    }
    const aprilB = computeSeries(
      await new VaultStore(app.connection).read(b.id, key, { category: 'heart-rate' }),
      'month',
    );
    expect(aprilB.find((p) => p.start.startsWith('2025-04'))!.count).toBe(21);
  });

  it('refuses to seal without the master key when there is a chunk to summarise', async () => {
    const member = await registerAndLogin(app);
    await app.services.vault.storeObservations(member.id, [hr(70, '2025-07-01T08:00:00.000Z')]);
    await app.connection.db!.collection('vault_summaries').deleteMany({ member: member.id });
    await expect(chunkSummaries.up({ ...context(), memberKey: undefined })).rejects.toThrow(/master key/);
  });
});
