import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const fixture = (path: string) => readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8');

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

async function upload(member: BuiltAccount, type: string, text: string, headers: Record<string, string> = {}) {
  return app.request('POST', '/api/me/observations', {
    rawBody: text,
    token: member.accessToken,
    headers: { 'content-type': type, ...headers },
  });
}

async function listAll(member: BuiltAccount, query = '') {
  const all: any[] = [];
  let cursor: string | null = null;
  do {
    const page = await app.request(
      'GET',
      `/api/me/observations?limit=1000${query}${cursor ? `&cursor=${cursor}` : ''}`,
      { token: member.accessToken },
    );
    expect(page.status).toBe(200);
    all.push(...page.body.observations);
    cursor = page.body.nextCursor;
  } while (cursor);
  return all;
}

const withoutIds = (list: any[]) => list.map(({ id: _id, ...rest }) => rest);

describe('upload', () => {
  it('stores a watch CSV, a clinic FHIR Bundle and manual JSON entries, converted to canonical units', async () => {
    const member = await registerAndLogin(app);
    const csv = await upload(member, 'text/csv', fixture('uploads/watch-heart-rate.csv'));
    expect(csv.status).toBe(201);
    expect(csv.body).toMatchObject({ stored: csv.body.received, duplicates: 0, replayed: false });
    const fhir = await upload(member, 'application/fhir+json', fixture('uploads/clinic-blood-pressure.fhir.json'));
    expect(fhir.status).toBe(201);
    const json = await upload(member, 'application/json', fixture('uploads/manual-entries.json'));
    expect(json.status).toBe(201);

    const weight = await listAll(member, '&category=body-weight');
    expect(weight[0]).toMatchObject({ unit: 'kg', source: 'manual', note: 'before breakfast' });
    expect(weight[0].value).toBeCloseTo(75.0245, 3);
    const temperature = await listAll(member, '&category=body-temperature');
    expect(temperature[0].value).toBe(37);
    const all = await listAll(member);
    expect(all).toHaveLength(csv.body.stored + fhir.body.stored + json.body.stored);
    const times = all.map((o) => o.effectiveAt);
    expect([...times].sort()).toEqual(times);
  });

  it('does not store the same observation twice (same category, time, value, source)', async () => {
    const member = await registerAndLogin(app);
    const text = fixture('uploads/watch-heart-rate.csv');
    const first = await upload(member, 'text/csv', text);
    const second = await upload(member, 'text/csv', text);
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ received: first.body.received, stored: 0, duplicates: first.body.received });
    expect(await listAll(member)).toHaveLength(first.body.stored);
  });

  it('replays the first result for a repeated Idempotency-Key without storing again', async () => {
    const member = await registerAndLogin(app);
    const text = fixture('uploads/manual-entries.json');
    const first = await upload(member, 'application/json', text, { 'idempotency-key': 'upload-1' });
    const retry = await upload(member, 'application/json', text, { 'idempotency-key': 'upload-1' });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual({ ...first.body, replayed: true });
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const other = await upload(member, 'text/csv', fixture('uploads/watch-heart-rate.csv'), {
      'idempotency-key': 'upload-1',
    });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    expect(await listAll(member)).toHaveLength(first.body.stored);
  });

  it('loses nothing when one member uploads many files at the same time', async () => {
    const member = await registerAndLogin(app);
    // Enough uploads that slow ones still hold directory versions that have since been pruned.
    const bodies = Array.from({ length: 24 }, (_, i) => ({
      observations: Array.from({ length: 25 }, (_, j) => ({
        category: 'heart-rate',
        value: 60 + j,
        unit: '/min',
        effectiveAt: new Date(Date.UTC(2025, i % 3, 1 + j, i)).toISOString(),
      })),
    }));
    const results = await Promise.all(bodies.map((body) => upload(member, 'application/json', JSON.stringify(body))));
    expect(results.map((r) => r.status)).toEqual(Array(24).fill(201));
    expect(await listAll(member)).toHaveLength(600);
  });
});

describe('round trips', () => {
  it.each(['json', 'csv', 'fhir'] as const)(
    'upload → export %s → re-upload gives the same observations',
    async (format) => {
      const source = await registerAndLogin(app);
      await upload(source, 'text/csv', fixture('uploads/watch-heart-rate.csv'));
      await upload(source, 'application/fhir+json', fixture('uploads/clinic-blood-pressure.fhir.json'));
      await upload(source, 'application/json', fixture('uploads/manual-entries.json'));
      const exported = await app.request('GET', `/api/me/export?format=${format}`, { token: source.accessToken });
      expect(exported.status).toBe(200);
      const type = { json: 'application/json', csv: 'text/csv', fhir: 'application/fhir+json' }[format];
      expect(exported.headers.get('content-type')).toContain(type);

      const target = await registerAndLogin(app);
      const again = await upload(target, type, exported.text);
      expect(again.status).toBe(201);
      const normalise = (list: any[]) =>
        withoutIds(list).map((o) => (format === 'json' || format === 'csv' ? o : { ...o, source: 'any' }));
      expect(normalise(await listAll(target))).toEqual(normalise(await listAll(source)));
    },
  );

  it('exports a FHIR collection Bundle of LOINC-coded Observations with UCUM units', async () => {
    const member = await registerAndLogin(app);
    await upload(member, 'application/json', fixture('uploads/manual-entries.json'));
    const bundle = (await app.request('GET', '/api/me/export?format=fhir', { token: member.accessToken })).body;
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    for (const { resource } of bundle.entry) {
      expect(resource.resourceType).toBe('Observation');
      expect(resource.code.coding[0].system).toBe('http://loinc.org');
      const quantity = resource.valueQuantity ?? resource.component[0].valueQuantity;
      expect(quantity.system).toBe('http://unitsofmeasure.org');
    }
  });

  it.each([
    'observation-example-bloodpressure.json',
    'observation-example-body-height.json',
    'observation-example-heart-rate.json',
  ])('imports the HL7 example %s', async (file) => {
    const member = await registerAndLogin(app);
    const response = await upload(member, 'application/fhir+json', fixture(`fhir-r4/${file}`));
    expect(response.status).toBe(201);
    expect(response.body.stored).toBe(1);
    const [stored] = await listAll(member);
    expect(stored.source).toBe('fhir');
  });

  it('refuses the HL7 Consent example as not an Observation, storing nothing', async () => {
    const member = await registerAndLogin(app);
    const response = await upload(member, 'application/fhir+json', fixture('fhir-r4/consent-example.json'));
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body.error.details)).toMatch(/unsupported_resource|not_an_observation/);
    expect(await listAll(member)).toHaveLength(0);
  });
});

describe('reading', () => {
  it('pages with an opaque cursor and filters by category and time', async () => {
    const member = await registerAndLogin(app);
    await upload(member, 'text/csv', fixture('uploads/watch-heart-rate.csv'));
    const all = await listAll(member);
    const first = await app.request('GET', '/api/me/observations?limit=5', { token: member.accessToken });
    expect(first.body.observations).toEqual(all.slice(0, 5));
    const second = await app.request('GET', `/api/me/observations?limit=5&cursor=${first.body.nextCursor}`, {
      token: member.accessToken,
    });
    expect(second.body.observations).toEqual(all.slice(5, 10));
    const from = all[3].effectiveAt;
    const to = all[6].effectiveAt;
    const ranged = await app.request('GET', `/api/me/observations?from=${from}&to=${to}`, {
      token: member.accessToken,
    });
    expect(ranged.body.observations).toEqual(all.slice(3, 7));
  });

  it.each([
    ['limit=1001', 'validation_failed'],
    ['limit=0', 'validation_failed'],
    ['cursor=not-a-cursor', 'invalid_cursor'],
    ['category=heart-beat', 'validation_failed'],
    ['from=yesterday', 'validation_failed'],
    ['colour=blue', 'validation_failed'],
  ])('refuses ?%s with 400 %s', async (query, code) => {
    const member = await registerAndLogin(app);
    const response = await app.request('GET', `/api/me/observations?${query}`, { token: member.accessToken });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe(code);
  });

  it('computes daily, weekly and monthly series, per component for blood pressure', async () => {
    const member = await registerAndLogin(app);
    const observations = [
      { category: 'blood-pressure', components: { systolic: 120, diastolic: 80 }, effectiveAt: '2025-03-03T08:00:00Z' },
      { category: 'blood-pressure', components: { systolic: 130, diastolic: 90 }, effectiveAt: '2025-03-03T20:00:00Z' },
      { category: 'blood-pressure', components: { systolic: 140, diastolic: 70 }, effectiveAt: '2025-03-09T08:00:00Z' },
    ].map((o) => ({ ...o, unit: 'mm[Hg]' }));
    await upload(member, 'application/json', JSON.stringify({ observations }));
    const day = await app.request('GET', '/api/me/series?category=blood-pressure&bucket=day', {
      token: member.accessToken,
    });
    expect(day.status).toBe(200);
    expect(day.body.points).toEqual([
      {
        start: '2025-03-03T00:00:00.000Z',
        count: 2,
        components: {
          systolic: { count: 2, mean: 125, min: 120, max: 130 },
          diastolic: { count: 2, mean: 85, min: 80, max: 90 },
        },
      },
      {
        start: '2025-03-09T00:00:00.000Z',
        count: 1,
        components: {
          systolic: { count: 1, mean: 140, min: 140, max: 140 },
          diastolic: { count: 1, mean: 70, min: 70, max: 70 },
        },
      },
    ]);
    const week = await app.request('GET', '/api/me/series?category=blood-pressure&bucket=week', {
      token: member.accessToken,
    });
    expect(week.body.points).toHaveLength(1);
    expect(week.body.points[0]).toMatchObject({ start: '2025-03-03T00:00:00.000Z', count: 3 });
    const month = await app.request('GET', '/api/me/series?category=blood-pressure&bucket=month', {
      token: member.accessToken,
    });
    expect(month.body.points[0].components.systolic).toEqual({ count: 3, mean: 130, min: 120, max: 140 });
  });
});
