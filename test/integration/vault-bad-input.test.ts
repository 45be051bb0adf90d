import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
let member: BuiltAccount;
beforeAll(async () => {
  app = await createTestApp();
  member = await registerAndLogin(app);
});
afterAll(() => app.close());

const good = { category: 'heart-rate', value: 72, unit: '/min', effectiveAt: '2025-01-01T08:00:00Z' };

async function upload(type: string, text: string) {
  return app.request('POST', '/api/me/observations', {
    rawBody: text,
    token: member.accessToken,
    headers: { 'content-type': type },
  });
}

async function expectNothingStored() {
  const page = await app.request('GET', '/api/me/observations', { token: member.accessToken });
  expect(page.status).toBe(200);
  expect(page.body.observations).toEqual([]);
}

const json = (observations: unknown[]) => JSON.stringify({ observations });

describe('bad uploads are refused whole, with every bad row, and store nothing', () => {
  it.each([
    ['unknown category', json([good, { ...good, category: 'heart-beat' }]), 1, 'unknown_category'],
    ['unit that cannot be converted', json([{ ...good, unit: 'kg' }]), 0, 'unit_not_accepted'],
    ['value outside the plausible range', json([good, { ...good, value: 7000 }]), 1, 'out_of_range'],
    ['time in the future', json([{ ...good, effectiveAt: '2999-01-01T00:00:00Z' }]), 0, 'future_time'],
    ['unparsable time', json([{ ...good, effectiveAt: '14/03/2024 08:05' }]), 0, 'invalid_time'],
  ])('%s', async (_name, body, index, code) => {
    const response = await upload('application/json', body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_observations');
    expect(response.body.error.details).toContainEqual(expect.objectContaining({ index, code }));
    await expectNothingStored();
  });

  it('reports every bad row of the invalid CSV fixture with its index and reason', async () => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(new URL('../../fixtures/uploads/invalid-observations.csv', import.meta.url), 'utf8');
    const response = await upload('text/csv', text);
    expect(response.status).toBe(400);
    const codes = response.body.error.details.map((d: { index: number; code: string }) => [d.index, d.code]);
    expect(codes).toEqual(
      expect.arrayContaining([
        [1, 'unknown_category'],
        [2, 'unit_not_accepted'],
        [3, 'out_of_range'],
        [4, 'future_time'],
        [5, 'invalid_time'],
        [6, 'missing_value'],
        [7, 'systolic_not_above_diastolic'],
        [8, 'invalid_number'],
      ]),
    );
    expect(codes.some(([index]: [number]) => index === 0)).toBe(false);
    await expectNothingStored();
  });

  it('refuses a CSV without a required column', async () => {
    const response = await upload('text/csv', 'category,value,effectiveAt\nheart-rate,72,2025-01-01T08:00:00Z\n');
    expect(response.status).toBe(400);
    expect(response.body.error.details[0]).toMatchObject({ index: null, code: 'missing_column' });
    await expectNothingStored();
  });

  it('reads a quoted CSV field with commas and line breaks as one note', async () => {
    const other = await registerAndLogin(app);
    const text = 'category,value,unit,effectiveAt,note\r\nheart-rate,72,/min,2025-01-01T08:00:00Z,"a, b\nand c"\r\n';
    const response = await app.request('POST', '/api/me/observations', {
      rawBody: text,
      token: other.accessToken,
      headers: { 'content-type': 'text/csv' },
    });
    expect(response.status).toBe(201);
    const page = await app.request('GET', '/api/me/observations', { token: other.accessToken });
    expect(page.body.observations[0].note).toBe('a, b\nand c');
  });

  it.each([
    ['a resource that is not an Observation', { resourceType: 'Patient', id: 'p1' }, 'unsupported_resource'],
    [
      'an Observation without a LOINC code',
      {
        resourceType: 'Observation',
        status: 'final',
        code: { coding: [{ system: 'http://snomed.info/sct', code: '364075005' }] },
        valueQuantity: { value: 72, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
        effectiveDateTime: '2025-01-01T08:00:00Z',
      },
      'missing_loinc_code',
    ],
  ])('refuses FHIR: %s', async (_name, resource, code) => {
    const response = await upload('application/fhir+json', JSON.stringify(resource));
    expect(response.status).toBe(400);
    expect(response.body.error.details).toContainEqual(expect.objectContaining({ code }));
    await expectNothingStored();
  });

  it.each([
    [
      '__proto__ in an observation',
      `{"observations":[{"__proto__":{"admin":true},"category":"heart-rate","value":72,"unit":"/min","effectiveAt":"2025-01-01T08:00:00Z"}]}`,
    ],
    ['{"$gt": ""} as a value', json([{ ...good, value: { $gt: '' } }])],
    ['an operator key at the top', `{"$where":"1","observations":[]}`],
    [
      'an operator key deep down',
      `{"observations":[{"category":"heart-rate","value":72,"unit":"/min","effectiveAt":"2025-01-01T08:00:00Z","x":{"y":[{"$ne":1}]}}]}`,
    ],
  ])('refuses %s with 400 forbidden_key', async (_name, text) => {
    const response = await upload('application/json', text);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('forbidden_key');
    await expectNothingStored();
  });

  it('refuses a JSON array of 200,000 items with 413 too_many_rows', async () => {
    const text = `{"observations":[${Array(200_000).fill('{}').join(',')}]}`;
    const response = await upload('application/json', text);
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('too_many_rows');
    await expectNothingStored();
  });

  it('refuses a 50 MB body with 413 before reading it', async () => {
    const response = await upload('text/csv', 'x'.repeat(50 * 1024 * 1024));
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('payload_too_large');
    await expectNothingStored();
  });

  it.each([
    ['text/plain', 'hello'],
    ['application/xml', '<Observation/>'],
  ])('refuses a %s body with 415', async (type, text) => {
    const response = await upload(type, text);
    expect(response.status).toBe(415);
    await expectNothingStored();
  });

  it.each([
    ['application/json', 'not json'],
    ['application/json', '{"observations": []}'],
    ['application/json', '[1,2,3]'],
    ['application/fhir+json', '{"resourceType":"Bundle","entry":"x"}'],
    ['text/csv', ''],
    ['text/csv', 'category,value,unit,effectiveAt\nheart-rate,"72,/min,2025-01-01T08:00:00Z\n'],
  ])('answers a malformed %s body with 400, never 5xx', async (type, text) => {
    const response = await upload(type, text);
    expect(response.status).toBe(400);
    await expectNothingStored();
  });
});
