import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { appleExportOf, appleHealthExport, appleRecord } from '../helpers/health-exports.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { buildZip } from '../helpers/zip-writer.js';
import { postImport, storedOf } from './imports-fixture.js';

const MB = 1024 * 1024;
let app: TestApp;
let member: BuiltAccount;
let spoolDir: string;

beforeAll(async () => {
  spoolDir = await mkdtemp(join(tmpdir(), 'datacoop-import-test-'));
  app = await createTestApp({
    IMPORT_BODY_LIMIT_BYTES: String(2 * MB),
    IMPORT_MAX_ENTRY_BYTES: String(20 * MB),
    IMPORT_TEMP_DIR: spoolDir,
  });
  member = await registerAndLogin(app);
});
afterAll(async () => {
  await app.close();
  await rm(spoolDir, { recursive: true, force: true });
});
afterEach(async () => {
  // Whatever happened, nothing was stored and the spooled body is gone.
  expect(await storedOf(app, member.accessToken)).toEqual([]);
  expect(await readdir(spoolDir)).toEqual([]);
});

const now = Date.now();
const appleDate = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' +0000';
const heartRate = (unit: string, at = now - 86_400_000) =>
  appleRecord('HKQuantityTypeIdentifierHeartRate', unit, '70', at).replace(
    /(startDate|endDate|creationDate)="[^"]*"/g,
    `$1="${appleDate(at)}"`,
  );
const valid = appleHealthExport({ firstDay: '2025-02-01', days: 2, heartRatePerDay: 6 }).text;
const zeros = (bytes: number) => Buffer.alloc(bytes);

async function expectRefused(body: Buffer | string, status: number, code: string, format = 'apple-health') {
  const response = await postImport(app, member.accessToken, format, body);
  expect(response.status).toBe(status);
  expect(response.body.error.code).toBe(code);
  return response.body.error;
}

describe('a bad Apple Health export is refused with a clear 4xx and stores nothing', () => {
  it('refuses a zip bomb whose entry declares a small size but inflates far beyond it', async () => {
    const bomb = buildZip([{ name: 'apple_health_export/export.xml', data: zeros(30 * MB), declaredSize: 1_000 }]);
    expect(bomb.length).toBeLessThan(MB);
    await expectRefused(bomb, 400, 'zip_entry_too_large');
  });

  it('refuses an entry declaring a huge size before inflating it', async () => {
    const huge = buildZip([{ name: 'apple_health_export/export.xml', data: valid, declaredSize: 4_000_000_000 }]);
    await expectRefused(huge, 400, 'zip_entry_too_large');
  });

  it('refuses an entry with an absurd compression ratio', async () => {
    const dense = buildZip([{ name: 'apple_health_export/export.xml', data: zeros(15 * MB) }]);
    await expectRefused(dense, 400, 'zip_ratio_too_high');
  });

  it('refuses a billion-laughs export without expanding an entity', async () => {
    const lols = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('');
    const laughs = `<?xml version="1.0"?>\n<!DOCTYPE HealthData [<!ENTITY lol0 "lol">${lols}]>\n<HealthData locale="en">&lol9;</HealthData>`;
    await expectRefused(laughs, 400, 'entities_not_allowed');
  });

  it('refuses an undeclared entity reference as malformed XML', async () => {
    await expectRefused(appleExportOf('  <Record type="&lol9;"/>\n'), 400, 'invalid_xml');
  });

  it('refuses a truncated export.xml', async () => {
    await expectRefused(valid.slice(0, Math.floor(valid.length * 0.6)), 400, 'truncated_export');
  });

  it('refuses bytes that are not UTF-8', async () => {
    const latin1 = Buffer.concat([
      Buffer.from(valid.slice(0, 2_000)),
      Buffer.from([0xe9, 0xff]),
      Buffer.from(valid.slice(2_000)),
    ]);
    await expectRefused(latin1, 400, 'invalid_encoding');
  });

  it('refuses the whole export when a held type has a unit it does not know, naming the type', async () => {
    const error = await expectRefused(
      appleExportOf(heartRate('count/min') + heartRate('count/s')),
      400,
      'invalid_import',
    );
    expect(error.details).toEqual([
      {
        field: 'HKQuantityTypeIdentifierHeartRate',
        code: 'unknown_unit',
        message: '1 record have a unit this service does not know',
      },
    ]);
  });

  it('refuses the whole export when records are dated in the future (beyond the clock-skew allowance)', async () => {
    const future = now + 3_600_000;
    const steps = appleRecord('HKQuantityTypeIdentifierStepCount', 'count', '50', future).replace(
      /(startDate|endDate|creationDate)="[^"]*"/g,
      `$1="${appleDate(future)}"`,
    );
    const error = await expectRefused(
      appleExportOf(heartRate('count/min') + heartRate('count/min', future) + steps),
      400,
      'invalid_import',
    );
    expect(error.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'HKQuantityTypeIdentifierHeartRate', code: 'future_time' }),
        expect.objectContaining({ field: 'HKQuantityTypeIdentifierStepCount', code: 'future_time' }),
      ]),
    );
  });

  it('refuses a zip without export.xml', async () => {
    await expectRefused(
      buildZip([{ name: 'apple_health_export/export_cda.xml', data: valid }]),
      400,
      'export_xml_missing',
    );
  });

  it('refuses XML that is not an Apple Health export', async () => {
    await expectRefused('<?xml version="1.0"?><html><body/></html>', 400, 'not_an_apple_health_export');
  });

  it('refuses a body over the limit by its declared length', async () => {
    await expectRefused(Buffer.alloc(3 * MB, 0x20), 413, 'payload_too_large');
  });

  it('refuses a streamed body that grows over the limit', async () => {
    const chunk = new Uint8Array(256 * 1024).fill(0x20);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 3 * MB) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const response = await fetch(`${app.baseUrl}/api/me/imports/apple-health`, {
      method: 'POST',
      headers: { authorization: `Bearer ${member.accessToken}`, 'content-type': 'application/xml' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe('payload_too_large');
  });

  it('refuses an unknown format and an unsupported media type', async () => {
    const unknown = await postImport(app, member.accessToken, 'fitbit', valid);
    expect(unknown.status).toBe(404);
    const media = await postImport(app, member.accessToken, 'apple-health', valid, { 'content-type': 'image/png' });
    expect(media.status).toBe(415);
    expect(media.body.error.code).toBe('unsupported_media_type');
  });

  it('lets no one but a signed-in member import', async () => {
    const anonymous = await fetch(`${app.baseUrl}/api/me/imports/apple-health`, { method: 'POST', body: valid });
    expect(anonymous.status).toBe(401);
    const researcher = await registerAndLogin(app, { role: 'researcher' });
    const refused = await postImport(app, researcher.accessToken, 'apple-health', valid);
    expect(refused.status).toBe(403);
  });
});

describe('a bad Google Takeout is refused with a clear 4xx and stores nothing', () => {
  it('refuses a Takeout without Fit data', async () => {
    await expectRefused(
      buildZip([{ name: 'Takeout/Mail/All mail.mbox', data: 'From x' }]),
      400,
      'takeout_fit_missing',
      'google-fit',
    );
  });

  it('refuses an "All data" file that is not JSON', async () => {
    const zip = buildZip([{ name: 'Takeout/Fit/All data/derived_com.google.weight.json', data: '{"Data Points": [' }]);
    await expectRefused(zip, 400, 'invalid_json', 'google-fit');
  });

  it('refuses future-dated Fit data points whole', async () => {
    const nanos = `${now + 86_400_000}000000`;
    const point = {
      dataTypeName: 'com.google.weight',
      startTimeNanos: nanos,
      endTimeNanos: nanos,
      fitValue: [{ value: { fpVal: 70 } }],
    };
    const error = await expectRefused(JSON.stringify({ 'Data Points': [point] }), 400, 'invalid_import', 'google-fit');
    expect(error.details).toEqual([expect.objectContaining({ field: 'com.google.weight', code: 'future_time' })]);
  });
});
