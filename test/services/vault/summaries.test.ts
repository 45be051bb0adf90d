// Per-chunk sealed summaries (issue 16 item 2): series answered from them equal the raw path bit for bit; a moved
// or edited summary is refused; erasure leaves none; chunks without one (older, or raced) are read raw.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NormalisedObservation } from '../../../policies/observations/observation-types.js';
import { observationSeries, type SeriesQuery } from '../../../services/vault/observation-series.js';
import { computeSeries, type SeriesBucket } from '../../../services/vault/series.js';
import { VaultStore } from '../../../services/vault/vault-store.js';
import { monthOf } from '../../../services/vault/chunk-codec.js';
import { cohortTotals, cohortValues } from '../../../services/vault/cohort-reads.js';
import { findCategory } from '../../../policies/observations/catalogue.js';
import { memberTotalValue, memberValue } from '../../../policies/research/privacy.js';
import { registerAndLogin } from '../../helpers/builders.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

// A small deterministic generator (mulberry32), so a failure names the seed that made it.
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;
// Around both European DST changes of 2025 (30 March, 26 October) and a month boundary.
const WINDOWS = [Date.parse('2025-03-25T00:00:00Z'), Date.parse('2025-10-20T00:00:00Z')];

function generate(seed: number, count: number): NormalisedObservation[] {
  const next = random(seed);
  const rows: NormalisedObservation[] = [];
  for (let i = 0; i < count; i++) {
    const at = new Date(WINDOWS[i % 2]! + Math.floor(next() * 16 * DAY)).toISOString();
    const kind = Math.floor(next() * 3);
    if (kind === 0) {
      rows.push({
        category: 'heart-rate',
        unit: '/min',
        value: 40 + Math.round(next() * 1400) / 10,
        effectiveAt: at,
        source: 'device',
      });
    } else if (kind === 1) {
      rows.push({
        category: 'body-weight',
        unit: 'kg',
        value: 50 + Math.round(next() * 5e5) / 1e4,
        effectiveAt: at,
        source: 'manual',
      });
    } else {
      rows.push({
        category: 'blood-pressure',
        unit: 'mm[Hg]',
        components: { systolic: 95 + Math.round(next() * 60), diastolic: 55 + Math.round(next() * 400) / 10 },
        effectiveAt: at,
        source: 'device',
      } as NormalisedObservation);
    }
  }
  return rows;
}

/** The series as computed before summaries: every chunk opened, deduplicated, filtered, bucketed. */
async function rawSeries(memberId: string, query: SeriesQuery) {
  const store = new VaultStore(app.connection);
  const key = await app.services.vault.memberKey(memberId);
  const rows = await store.read(memberId, key, {
    category: query.category,
    fromMonth: query.from && monthOf(query.from.toISOString()),
    toMonth: query.to && monthOf(query.to.toISOString()),
  });
  const fromIso = query.from?.toISOString();
  const toIso = query.to?.toISOString();
  const inRange = rows.filter(
    (r) => (fromIso === undefined || r.effectiveAt >= fromIso) && (toIso === undefined || r.effectiveAt <= toIso),
  );
  return computeSeries(inRange, query.bucket);
}

/** The series through the vault's read path, with a fresh cache; counts the chunks it opened raw. */
async function servedSeries(memberId: string, query: SeriesQuery) {
  const store = new VaultStore(app.connection);
  let rawChunks = 0;
  const readListed = store.readListed.bind(store);
  store.readListed = (m, k, refs) => {
    rawChunks += refs.length;
    return readListed(m, k, refs);
  };
  const answer = await observationSeries(
    { store, dataKeyOf: (id) => app.services.vault.memberKey(id) },
    memberId,
    query,
  );
  return { points: answer.points, rawChunks };
}

const CATEGORIES = ['heart-rate', 'body-weight', 'blood-pressure'];
const BUCKETS: SeriesBucket[] = ['day', 'week', 'month'];
const RANGES: { from?: Date; to?: Date; aligned: boolean }[] = [
  { aligned: true },
  { from: new Date('2025-03-27T00:00:00Z'), to: new Date('2025-10-29T23:59:59.999Z'), aligned: true },
  { from: new Date('2025-03-27T13:17:00Z'), to: new Date('2025-10-29T06:00:00.5Z'), aligned: false },
  { from: new Date('2025-04-01T00:00:00Z'), to: new Date('2025-04-30T23:59:59.999Z'), aligned: true },
];

async function memberWithUploads(seed: number, uploads: number): Promise<string> {
  const member = await registerAndLogin(app);
  for (let u = 0; u < uploads; u++) {
    const rows = generate(seed * 100 + u, 40 + ((seed + u) % 3) * 25);
    // Every upload repeats a few rows of the one before: they are duplicates and stored once.
    if (u > 0) rows.push(...generate(seed * 100 + u - 1, 5));
    await app.services.vault.storeObservations(member.id, rows);
  }
  return member.id;
}

describe('series from sealed summaries', () => {
  it('equal the raw path exactly: members × categories × buckets × ranges, many uploads per month, across DST', async () => {
    const members = [await memberWithUploads(1, 6), await memberWithUploads(2, 3), await memberWithUploads(3, 1)];
    let fromSummaries = 0;
    for (const memberId of members) {
      for (const category of CATEGORIES) {
        for (const bucket of BUCKETS) {
          for (const range of RANGES) {
            const query: SeriesQuery = { category, bucket, from: range.from, to: range.to };
            const expected = await rawSeries(memberId, query);
            const served = await servedSeries(memberId, query);
            // JSON: the same numbers bit for bit (as the client sees them), the same keys in the same order.
            expect(JSON.stringify(served.points)).toBe(JSON.stringify(expected));
            if (range.aligned) expect(served.rawChunks).toBe(0);
            if (served.rawChunks === 0 && expected.length > 0) fromSummaries += 1;
          }
        }
      }
    }
    expect(fromSummaries).toBeGreaterThan(50);
  });

  it('reads raw the months of a chunk without a summary (written before them), with the same answer', async () => {
    const memberId = await memberWithUploads(4, 3);
    const summaries = app.connection.db!.collection<{ _id: string; member: string; month: string }>('vault_summaries');
    const one = (await summaries.findOne({ member: memberId, month: '2025-10' }))!;
    await summaries.deleteOne({ _id: one._id });
    for (const bucket of BUCKETS) {
      const query: SeriesQuery = { category: 'heart-rate', bucket };
      const served = await servedSeries(memberId, query);
      expect(JSON.stringify(served.points)).toBe(JSON.stringify(await rawSeries(memberId, query)));
    }
  });

  it('drops the summary of an upload that raced another into the same month, so duplicates are still removed', async () => {
    const member = await registerAndLogin(app);
    const rows = generate(77, 60);
    // The same rows twice at once: both uploads check against the same directory, so both may store them.
    await Promise.all([
      app.services.vault.storeObservations(member.id, rows),
      app.services.vault.storeObservations(member.id, rows),
    ]);
    for (const category of CATEGORIES) {
      for (const bucket of BUCKETS) {
        const query: SeriesQuery = { category, bucket };
        const served = await servedSeries(member.id, query);
        const expected = await rawSeries(member.id, query);
        expect(JSON.stringify(served.points)).toBe(JSON.stringify(expected));
        // Each observation counted once, whichever way the race went.
        const total = expected.reduce((sum, p) => sum + p.count, 0);
        expect(total).toBe(new Set(rows.filter((r) => r.category === category).map((r) => JSON.stringify(r))).size);
      }
    }
  });
});

describe('research totals from sealed summaries', () => {
  it('equal the raw values exactly (count, clamped sum, member value), reading raw only what needs it', async () => {
    const ids = [await memberWithUploads(11, 4), await memberWithUploads(12, 2), await memberWithUploads(13, 1)];
    // Out of the plausible range (clamping needs the value): that chunk is read raw, the answer stays the same.
    const heart = findCategory('heart-rate')!;
    await app.services.vault.storeObservations(ids[1]!, [
      {
        category: 'heart-rate',
        unit: '/min',
        value: heart.plausibleRange.max + 50,
        effectiveAt: '2025-10-21T10:00:00.000Z',
        source: 'device',
      },
    ]);
    const members = await Promise.all(ids.map(async (id) => ({ id, key: await app.services.vault.memberKey(id) })));
    const periods = [
      { from: new Date('2025-03-01T00:00:00Z'), to: new Date('2025-11-01T00:00:00Z'), aligned: true },
      { from: new Date('2025-03-28T00:00:00Z'), to: new Date('2025-10-27T00:00:00Z'), aligned: true },
      { from: new Date('2025-03-28T07:30:00Z'), to: new Date('2025-10-27T16:45:00Z'), aligned: false },
    ];
    let summarised = 0;
    for (const category of CATEGORIES) {
      const entry = findCategory(category)!;
      const components = entry.components.length > 0 ? entry.components : [undefined];
      const asked = components.map((c) => ({ name: c?.name, range: c?.plausibleRange ?? entry.plausibleRange }));
      for (const period of periods) {
        const store = new VaultStore(app.connection);
        let rawRead = 0;
        const sealedChunks = store.sealedChunks.bind(store);
        store.sealedChunks = (chunkIds) => {
          rawRead += chunkIds.length;
          return sealedChunks(chunkIds);
        };
        let summariesRead = 0;
        const sealedSummaries = store.sealedSummaries.bind(store);
        store.sealedSummaries = (chunkIds) => {
          summariesRead += chunkIds.length;
          return sealedSummaries(chunkIds);
        };
        const scope = { category, from: period.from, to: period.to };
        const totals = await cohortTotals(store, members, scope, asked);
        // Asked again in this process: the chunks inside the period answer from their remembered whole-chunk
        // totals (no summary read; none at all for a period of whole months), with the same bits.
        const readBefore = summariesRead;
        expect(await cohortTotals(store, members, scope, asked)).toEqual(totals);
        if (period === periods[0] && category !== 'heart-rate') expect(summariesRead).toBe(readBefore);
        else expect(summariesRead - readBefore).toBeLessThanOrEqual(readBefore);
        const values = await cohortValues(
          new VaultStore(app.connection),
          members,
          scope,
          asked.map((a) => a.name),
        );
        asked.forEach(({ range }, c) => {
          expect([...totals[c]!.keys()].sort()).toEqual([...values[c]!.keys()].sort());
          for (const [memberId, own] of values[c]!) {
            const total = totals[c]!.get(memberId)!;
            expect(total.count).toBe(own.length);
            expect(Object.is(memberTotalValue(total, range), memberValue(own, range))).toBe(true);
          }
        });
        const listed = [...(await store.newestDirectories(members)).values()]
          .flat()
          .filter((r) => r.category === category).length;
        if (period.aligned && category !== 'heart-rate') expect(rawRead).toBe(0);
        if (rawRead < listed) summarised += 1;
      }
    }
    expect(summarised).toBeGreaterThan(4);
  });
});

describe('summary integrity', () => {
  it('refuses a summary moved to another chunk, or edited: the raw chunk answers, the forged one is not used', async () => {
    const memberId = await memberWithUploads(5, 2);
    const summaries = app.connection.db!.collection<{
      _id: string;
      member: string;
      category: string;
      month: string;
      sealed: any;
    }>('vault_summaries');
    const march = (await summaries.findOne({ member: memberId, category: 'heart-rate', month: '2025-03' }))!;
    const october = (await summaries.findOne({ member: memberId, category: 'heart-rate', month: '2025-10' }))!;
    const query: SeriesQuery = { category: 'heart-rate', bucket: 'month' };
    const expected = await rawSeries(memberId, query);

    // October's chunk now carries March's summary: it does not open under October's binding.
    await summaries.updateOne({ _id: october._id }, { $set: { sealed: march.sealed } });
    const key = await app.services.vault.memberKey(memberId);
    const store = new VaultStore(app.connection);
    const refs = [{ id: october._id, category: 'heart-rate', month: '2025-10' }];
    expect(await store.readSummaries(memberId, key, refs)).toEqual([undefined]);
    let served = await servedSeries(memberId, query);
    expect(JSON.stringify(served.points)).toBe(JSON.stringify(expected));
    expect(served.rawChunks).toBeGreaterThan(0);

    // One bit of March's own summary flipped.
    const bytes = Buffer.from(march.sealed.buffer);
    bytes[bytes.length - 20]! ^= 1;
    await summaries.updateOne({ _id: march._id }, { $set: { sealed: bytes } });
    expect(
      await new VaultStore(app.connection).readSummaries(memberId, key, [
        { id: march._id, category: 'heart-rate', month: '2025-03' },
      ]),
    ).toEqual([undefined]);
    served = await servedSeries(memberId, query);
    expect(JSON.stringify(served.points)).toBe(JSON.stringify(expected));

    // Another member's summary put under this member's chunk id does not open with this member's key.
    const other = await memberWithUploads(6, 1);
    const foreign = (await summaries.findOne({ member: other, category: 'heart-rate', month: '2025-03' }))!;
    await summaries.updateOne({ _id: march._id }, { $set: { sealed: foreign.sealed } });
    expect(
      await new VaultStore(app.connection).readSummaries(memberId, key, [
        { id: march._id, category: 'heart-rate', month: '2025-03' },
      ]),
    ).toEqual([undefined]);
  });

  it('leaves no summary of an erased member', async () => {
    const memberId = await memberWithUploads(8, 2);
    const summaries = app.connection.db!.collection<{ _id: string; member: string }>('vault_summaries');
    expect(await summaries.countDocuments({ member: memberId })).toBeGreaterThan(0);
    await app.services.vault.eraseMemberData(memberId);
    expect(await summaries.countDocuments({ member: memberId })).toBe(0);
    expect(await summaries.countDocuments({ _id: { $regex: `^${memberId}:` } })).toBe(0);
  });
});
