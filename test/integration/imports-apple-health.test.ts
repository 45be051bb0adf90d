import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { appleHealthExport } from '../helpers/health-exports.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { buildZip } from '../helpers/zip-writer.js';
import { postImport, storedOf } from './imports-fixture.js';

let app: TestApp;
let member: BuiltAccount;
// 120 days of mixed records: about 21,000 records, a multi-MB export.xml.
const generated = appleHealthExport({ days: 120 });
const xml = Buffer.from(generated.text, 'utf8');

beforeAll(async () => {
  app = await createTestApp();
  member = await registerAndLogin(app);
});
afterAll(() => app.close());

describe('Apple Health import', () => {
  it('imports a multi-MB export.xml with the right counts per category and the skipped types', async () => {
    expect(xml.length).toBeGreaterThan(5_000_000);
    const response = await postImport(app, member.accessToken, 'apple-health', xml, {
      'content-type': 'application/xml',
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      format: 'apple-health',
      received: generated.expected.received,
      stored: generated.expected.received,
      duplicates: 0,
      skipped: generated.expected.skipped,
      refused: {},
      replayed: false,
    });
    for (const [category, count] of Object.entries(generated.expected.byCategory)) {
      expect((await storedOf(app, member.accessToken, category)).length, category).toBe(count);
    }
  }, 120_000);

  it('converts to the catalogue units: lb → kg, °F → °C, fractions → %, steps per day, sleep hours per night', async () => {
    const [weight] = await storedOf(app, member.accessToken, 'body-weight');
    expect(weight.unit).toBe('kg');
    expect(weight.value).toBeCloseTo(68.039, 3); // 150.0 lb
    const [temperature] = await storedOf(app, member.accessToken, 'body-temperature');
    expect(temperature).toMatchObject({ unit: 'Cel', value: 37 });
    const [saturation] = await storedOf(app, member.accessToken, 'oxygen-saturation');
    expect(saturation).toMatchObject({ unit: '%', value: 97 });
    const [steps] = await storedOf(app, member.accessToken, 'steps');
    // Twelve hourly records of 100 + hour steps, 08:00–19:00, summed into the local day.
    expect(steps).toMatchObject({ unit: '/d', value: 1_362, effectiveAt: '2024-12-31T23:00:00.000Z' });
    const [sleep] = await storedOf(app, member.accessToken, 'sleep-duration');
    // Core 23:00–03:00 and REM 02:30–06:30 overlap: 7.5 h asleep, in-bed time not counted.
    expect(sleep).toMatchObject({ unit: 'h', value: 7.5 });
    const [pressure] = await storedOf(app, member.accessToken, 'blood-pressure');
    expect(pressure).toMatchObject({ unit: 'mm[Hg]', components: { systolic: 121, diastolic: 79 } });
  });

  it('stores nothing new when the same export is imported again, zipped as Apple exports it', async () => {
    const zip = buildZip([
      { name: 'apple_health_export/export_cda.xml', data: '<ClinicalDocument/>' },
      { name: 'apple_health_export/export.xml', data: xml },
    ]);
    const response = await postImport(app, member.accessToken, 'apple-health', zip, {
      'content-type': 'application/zip',
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      received: generated.expected.received,
      stored: 0,
      duplicates: generated.expected.received,
    });
    expect((await storedOf(app, member.accessToken)).length).toBe(generated.expected.received);
  }, 120_000);

  it('replays the first answer for a retry with the same Idempotency-Key, and refuses the key for another body', async () => {
    const small = Buffer.from(appleHealthExport({ firstDay: '2024-06-01', days: 2, heartRatePerDay: 4 }).text);
    const headers = { 'idempotency-key': 'apple-import-1' };
    const first = await postImport(app, member.accessToken, 'apple-health', small, headers);
    expect(first.status).toBe(201);
    expect(first.body.stored).toBeGreaterThan(0);
    const retry = await postImport(app, member.accessToken, 'apple-health', small, headers);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual({ ...first.body, replayed: true });
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const otherBody = appleHealthExport({ firstDay: '2024-07-01', days: 1, heartRatePerDay: 2 }).text;
    const other = await postImport(app, member.accessToken, 'apple-health', otherBody, headers);
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('idempotency_key_reused');
  });
  it('completes an import that stopped half-way: importing the whole file again stores only what was missing', async () => {
    const resumer = await registerAndLogin(app);
    const whole = appleHealthExport({ firstDay: '2024-09-01', days: 20, heartRatePerDay: 24 });
    // What an interrupted store pass had committed: the batches of the first days (same records, same values).
    const firstHalf = appleHealthExport({ firstDay: '2024-09-01', days: 10, heartRatePerDay: 24 });
    const partial = await postImport(app, resumer.accessToken, 'apple-health', firstHalf.text);
    expect(partial.body.stored).toBe(firstHalf.expected.received);
    const resumed = await postImport(app, resumer.accessToken, 'apple-health', whole.text);
    expect(resumed.status).toBe(201);
    expect(resumed.body).toMatchObject({
      stored: whole.expected.received - firstHalf.expected.received,
      duplicates: firstHalf.expected.received,
    });
    expect((await storedOf(app, resumer.accessToken)).length).toBe(whole.expected.received);
  });
});
