import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { takeoutSample } from '../helpers/health-exports.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { buildZip } from '../helpers/zip-writer.js';
import { postImport, storedOf } from './imports-fixture.js';

let app: TestApp;
let member: BuiltAccount;
const sample = takeoutSample(90);
const takeout = buildZip([
  { name: 'Takeout/Fit/Daily activity metrics/Daily activity metrics.csv', data: sample.dailyCsv },
  { name: 'Takeout/Fit/Daily activity metrics/2025-03-01.csv', data: 'Start time,End time,Step count\n' },
  {
    name: 'Takeout/Fit/All data/derived_com.google.heart_rate.bpm_com.google.android.gms_merge_heart_rate_bpm.json',
    data: sample.heartRateJson,
  },
  {
    name: 'Takeout/Fit/All data/derived_com.google.step_count.delta_com.google.android.gms_merge_step_deltas.json',
    data: sample.stepsJson,
  },
  { name: 'Takeout/Fit/Activities/2025-03-01T08_00_00Z_RUNNING.tcx', data: '<TrainingCenterDatabase/>' },
]);

beforeAll(async () => {
  app = await createTestApp();
  member = await registerAndLogin(app);
});
afterAll(() => app.close());

describe('Google Fit Takeout import', () => {
  it('imports the daily CSV and the "All data" JSON of a Takeout zip with the right counts and units', async () => {
    const response = await postImport(app, member.accessToken, 'google-fit', takeout, {
      'content-type': 'application/zip',
    });
    expect(response.status).toBe(201);
    // The JSON step deltas sum per UTC day to the CSV's step count: the same daily value, stored once.
    expect(response.body).toMatchObject({
      format: 'google-fit',
      stored: sample.expected.stored,
      duplicates: sample.expected.duplicates,
      refused: {},
    });
    for (const [category, count] of Object.entries(sample.expected.byCategory)) {
      expect((await storedOf(app, member.accessToken, category)).length, category).toBe(count);
    }
    const [steps] = await storedOf(app, member.accessToken, 'steps');
    expect(steps).toMatchObject({ unit: '/d', value: 4_000, effectiveAt: '2025-03-01T00:00:00.000Z' });
    const [weight] = await storedOf(app, member.accessToken, 'body-weight');
    expect(weight).toMatchObject({ unit: 'kg', value: 70 });
  }, 60_000);

  it('stores nothing new when the same Takeout, or one of its files alone, is imported again', async () => {
    const again = await postImport(app, member.accessToken, 'google-fit', takeout, {
      'content-type': 'application/zip',
    });
    expect(again.status).toBe(201);
    expect(again.body.stored).toBe(0);
    const csv = await postImport(app, member.accessToken, 'google-fit', sample.dailyCsv, {
      'content-type': 'text/csv',
    });
    expect(csv.status).toBe(201);
    expect(csv.body).toMatchObject({ received: 180, stored: 0, duplicates: 180 });
    const json = await postImport(app, member.accessToken, 'google-fit', sample.heartRateJson, {
      'content-type': 'application/json',
    });
    expect(json.status).toBe(201);
    expect(json.body).toMatchObject({ received: 90 * 48, stored: 0 });
  }, 60_000);
});

describe('the audit of imports', () => {
  const imported = () =>
    app.connection.db!.collection('audit_log').find({ type: 'member.imported' }).sort({ seq: 1 }).toArray();

  it('records each import under the member pseudonym with its format and counts, never a value or the account id', async () => {
    const fresh = await registerAndLogin(app);
    const before = (await imported()).length;
    const headers = { 'content-type': 'text/csv', 'idempotency-key': 'fit-audit-1' };
    const first = await postImport(app, fresh.accessToken, 'google-fit', sample.dailyCsv, headers);
    expect(first.status).toBe(201);
    const entries = (await imported()).slice(before);
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    expect(entry!.data).toEqual({
      format: 'google-fit',
      received: first.body.received,
      stored: first.body.stored,
      duplicates: first.body.duplicates,
    });
    expect(entry!.actor).toMatch(/^member:[0-9a-f]{32}$/);
    expect(JSON.stringify(entry)).not.toContain(fresh.id);

    // A retry with the same key replays the stored answer: nothing new stored, nothing new audited.
    const replay = await postImport(app, fresh.accessToken, 'google-fit', sample.dailyCsv, headers);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await imported()).length).toBe(before + 1);
  }, 60_000);
});
