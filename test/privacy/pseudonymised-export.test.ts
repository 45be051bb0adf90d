// The pseudonymised export's attacks of issue 18, through HTTP on the real database, each shown to fail: a study of
// 4 members, a unique profile, linkage across two studies by pseudonym or order, the key after validUntil (and its
// wrapped copy in the embedded database's SQLite files).
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCategory } from '../../policies/observations/catalogue.js';
import { toBuffer } from '../../services/db/connection.js';
import { destroyEndedKeysOnce } from '../../services/research/index.js';
import { createStewardAndLogin, type InsertedMember } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { carryPolicy, consentFor, DAY, seedMembers, verifiedResearcher } from '../integration/research-fixture.js';

let app: TestApp;
let stewardId: string;
let voters: InsertedMember[];
let researcher: Awaited<ReturnType<typeof verifiedResearcher>>;

const pseudonymised = (categories: string[], extra: Record<string, unknown> = {}) => ({
  title: 'Record-level study',
  level: 'pseudonymised',
  categories,
  statistics: ['count'],
  deidentification: { dateTruncation: 'month', profileFields: ['sex', 'ageBand', 'region'] },
  ...extra,
});
const exportOf = async (policyId: string, category: string) =>
  app.request('GET', `/api/research/policies/${policyId}/export?category=${category}`, {
    token: await researcher.token(),
  });
const byPseudonym = (records: any[]) => {
  const map = new Map<string, any[]>();
  for (const r of records) map.set(r.pseudonym, [...(map.get(r.pseudonym) ?? []), r]);
  return map;
};

beforeAll(async () => {
  app = await createTestApp({ LOGIN_MAX_ATTEMPTS_PER_IP: '1000' });
  stewardId = (await createStewardAndLogin(app)).id;
  voters = await seedMembers(app, 14, { category: 'steps', consent: consentFor(['steps']) });
  researcher = await verifiedResearcher(app, stewardId);
  // Four members in a body-weight study: the first attack.
  await seedMembers(app, 4, {
    category: 'body-weight',
    values: (i) => [70 + i],
    consent: consentFor(['body-weight'], 'pseudonymised'),
  });
  // Eleven alike and one unique profile (a man in his eighties in Geneva) with heart rates of one decimal.
  const alike = (i: number) => ({ sex: 'female' as const, birthYear: 1985 - (i % 5), region: 'CH04' as const });
  await seedMembers(app, 11, {
    values: (i) => [60.4 + i, 63.6 + i, 66.2 + i],
    profile: alike,
    consent: consentFor(['heart-rate'], 'pseudonymised'),
  });
  await seedMembers(app, 1, {
    values: () => [91.3, 92.7, 95.1],
    profile: () => ({ sex: 'male' as const, birthYear: 1940, region: 'CH01' as const }),
    consent: consentFor(['heart-rate'], 'pseudonymised'),
  });
});
afterAll(() => app?.close());

describe('the pseudonymised export as a bounded mode', () => {
  it('refuses a study whose cohort is below the cell size, audited, with nothing released', async () => {
    const carried = await carryPolicy(app, stewardId, researcher, voters, pseudonymised(['body-weight']));
    const response = await exportOf(carried.policyId, 'body-weight');
    expect([response.status, response.body.error.code]).toEqual([403, 'cohort_below_minimum']);
    expect(response.text).not.toContain('pseudonym');
    const withheld = await app.connection.collection('audit_log').find({ type: 'research.export.withheld' }).toArray();
    expect(withheld.at(-1)!.data).toMatchObject({ policyId: carried.policyId, reason: 'cohort_below_minimum' });
  });

  let first: { policyId: string; records: any[] };
  it('generalises a unique profile until every released combination has at least k = 11 members', async () => {
    const carried = await carryPolicy(app, stewardId, researcher, voters, pseudonymised(['heart-rate']));
    const response = await exportOf(carried.policyId, 'heart-rate');
    expect(response.status, response.text).toBe(200);
    first = { policyId: carried.policyId, records: response.body.records };
    expect(response.body.minimumCohort).toBe(11);
    expect(new Set(first.records.map((r) => r.pseudonym)).size).toBe(12);
    const classes = new Map<string, Set<string>>();
    for (const r of first.records) {
      const key = JSON.stringify(r.profile ?? {});
      classes.set(key, (classes.get(key) ?? new Set()).add(r.pseudonym));
    }
    for (const members of classes.values()) expect(members.size).toBeGreaterThanOrEqual(11);
    // The man in his eighties is not told apart: sex, region and age band are all withheld for this cohort.
    expect(response.body.generalisation).toEqual({ sex: 'withheld', ageBand: 'withheld', region: 'withheld' });
  });

  it('rounds values to the catalogue’s decimals and shuffles the records', () => {
    const decimals = findCategory('heart-rate')!.decimals;
    for (const r of first.records) expect(Number(r.value.toFixed(decimals))).toBe(r.value);
    if (decimals === 0) expect(first.records.some((r) => r.value === 60)).toBe(true); // 60.4 → 60
    const sorted = [...first.records].sort(
      (a, b) => a.pseudonym.localeCompare(b.pseudonym) || a.effective.localeCompare(b.effective),
    );
    // 36 records: the chance that a uniform shuffle leaves them sorted is below 1e-30.
    expect(first.records).not.toEqual(sorted);
  });

  it('gives a second study other pseudonyms and another order: nothing to join on but the values themselves', async () => {
    const carried = await carryPolicy(app, stewardId, researcher, voters, pseudonymised(['heart-rate']));
    const second = (await exportOf(carried.policyId, 'heart-rate')).body.records as any[];
    const a = byPseudonym(first.records);
    const b = byPseudonym(second);
    expect([...a.keys()].filter((p) => b.has(p))).toEqual([]);
    // The attack matched the i-th member of one export with the i-th of the other (original order).
    const order = (records: any[]) => [...new Set(records.map((r) => r.value))];
    expect(order(second)).not.toEqual(order(first.records));
  });

  it('destroys the key at validUntil by the job, without any export or listing, and checkpoints the WAL', async () => {
    const validUntil = new Date(app.clock.now().getTime() + 10 * DAY).toISOString();
    const carried = await carryPolicy(
      app,
      stewardId,
      researcher,
      voters,
      pseudonymised(['heart-rate'], { validUntil }),
    );
    expect((await exportOf(carried.policyId, 'heart-rate')).status).toBe(200);
    const keys = app.connection.collection('policy_keys');
    const wrapped = toBuffer((await keys.findOne({ _id: carried.policyId as never }))!.wrapped);
    app.clock.advance(3 * DAY);
    const dbName = app.connection.db!.databaseName;
    const dir = readdirSync(tmpdir()).find(
      (d) => d.startsWith('datacoop-test-db-') && readdirSync(join(tmpdir(), d)).includes(`${dbName}.sqlite`),
    );
    const sqliteFile = process.env.MONGODB_URI || !dir ? null : join(tmpdir(), dir, `${dbName}.sqlite`);
    if (!process.env.MONGODB_URI) expect(sqliteFile).not.toBeNull();
    const holds = (file: string) => {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch {
        return false;
      }
      return bytes.includes(wrapped) || bytes.includes(Buffer.from(wrapped.toString('base64')));
    };
    // Before: the wrapped key is in the files (so the check after is not vacuous).
    if (sqliteFile) expect(holds(sqliteFile) || holds(`${sqliteFile}-wal`)).toBe(true);
    const run = await destroyEndedKeysOnce({ research: app.services.research, now: app.clock.now, sqliteFile });
    expect(run.destroyed).toBeGreaterThanOrEqual(1);
    expect(await keys.countDocuments({ _id: carried.policyId as never })).toBe(0);
    const audited = await app.connection
      .collection('audit_log')
      .find({ type: 'research.policy_keys.destroyed' })
      .toArray();
    expect(audited.at(-1)!.data.policyIds).toContain(carried.policyId);
    if (sqliteFile) {
      expect(run.checkpoint?.complete).toBe(true);
      for (const file of [sqliteFile, `${sqliteFile}-wal`]) expect(holds(file)).toBe(false);
    }
  });
});
