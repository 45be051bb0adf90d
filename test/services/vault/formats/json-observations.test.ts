import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJsonObservations } from '../../../../services/vault/formats/json-observations.js';
import { validateUploadRows } from '../../../../policies/observations/observation-rules.js';

const NOW = new Date('2024-06-01T12:00:00.000Z');
const HEART_RATE = { category: 'heart-rate', value: 60, unit: '/min', effectiveAt: '2024-05-01T06:00:00Z' };

function codesOf(body: unknown, maxRows?: number): { index: number | null; field: string; code: string }[] {
  const parsed = parseJsonObservations(body, maxRows === undefined ? {} : { maxRows });
  return validateUploadRows(parsed, NOW).problems.map(({ index, field, code }) => ({ index, field, code }));
}

describe('parseJsonObservations', () => {
  it('reads typed-in entries in the units people use, stored in canonical units', () => {
    const text = readFileSync(new URL('../../../../fixtures/uploads/manual-entries.json', import.meta.url), 'utf8');
    const result = validateUploadRows(parseJsonObservations(text), NOW);
    expect(result.problems).toEqual([]);
    expect(result.observations.map((o) => o.observation)).toEqual([
      {
        category: 'body-weight',
        value: 75.024177998,
        unit: 'kg',
        effectiveAt: '2024-03-14T06:05:00.000Z',
        source: 'manual',
        note: 'before breakfast',
      },
      {
        category: 'body-temperature',
        value: 37,
        unit: 'Cel',
        effectiveAt: '2024-03-14T06:06:00.000Z',
        source: 'manual',
      },
      {
        category: 'blood-glucose',
        value: 5.27320766447,
        unit: 'mmol/L',
        effectiveAt: '2024-03-14T06:10:00.000Z',
        source: 'manual',
      },
      {
        category: 'blood-pressure',
        components: { systolic: 124, diastolic: 79 },
        unit: 'mm[Hg]',
        effectiveAt: '2024-03-14T06:12:00.000Z',
        source: 'manual',
      },
    ]);
  });

  it('keeps a source the uploader gives', () => {
    const parsed = parseJsonObservations({ observations: [{ ...HEART_RATE, source: 'device' }] });
    expect(parsed.rows[0]?.candidate.source).toBe('device');
  });

  it('reads only observation fields, so an earlier export with ids uploads again', () => {
    const parsed = parseJsonObservations({ observations: [{ ...HEART_RATE, id: 'obs-1', memberId: 'm-2' }] });
    expect(Object.keys(parsed.rows[0]?.candidate ?? {}).sort()).toEqual(
      ['category', 'effectiveAt', 'source', 'unit', 'value'].sort(),
    );
  });

  it.each([
    ['a query operator as value', { ...HEART_RATE, value: { $gt: '' } }, 'value', 'invalid_number'],
    ['a query operator as category', { ...HEART_RATE, category: { $ne: null } }, 'category', 'unknown_category'],
    ['a null source', { ...HEART_RATE, source: null }, 'source', 'invalid_source'],
  ])('refuses %s', (_what, observation, field, code) => {
    expect(codesOf({ observations: [observation] })).toEqual([{ index: 0, field, code }]);
  });

  it('is not fooled by __proto__ keys in the body or in an item', () => {
    const body = `{"__proto__": {"observations": [${JSON.stringify(HEART_RATE)}]}}`;
    expect(codesOf(body)).toEqual([{ index: null, field: '', code: 'invalid_body' }]);
    const item =
      '{"observations": [{"__proto__": {"category": "heart-rate"}, "value": 60, "unit": "/min",' +
      ' "effectiveAt": "2024-05-01T06:00:00Z"}]}';
    expect(codesOf(item)).toEqual([{ index: 0, field: 'category', code: 'missing_category' }]);
  });

  it('reports non-object items by index and validates the others', () => {
    expect(codesOf({ observations: [HEART_RATE, 'heart-rate 60', null, { ...HEART_RATE, value: 999 }] })).toEqual([
      { index: 1, field: '', code: 'invalid_observation' },
      { index: 2, field: '', code: 'invalid_observation' },
      { index: 3, field: 'value', code: 'out_of_range' },
    ]);
  });

  it.each([
    ['text that is not JSON', '{"observations": [', 'invalid_json'],
    ['a bare array', [HEART_RATE], 'invalid_body'],
    ['observations that are not a list', { observations: HEART_RATE }, 'invalid_body'],
    ['an empty list', { observations: [] }, 'no_rows'],
  ])('refuses %s as a whole', (_what, body, code) => {
    expect(codesOf(body)).toEqual([{ index: null, field: '', code }]);
  });

  it('refuses more observations than the limit, with a distinct code', () => {
    expect(codesOf({ observations: [HEART_RATE, HEART_RATE] }, 1)).toEqual([
      { index: null, field: '', code: 'too_many_rows' },
    ]);
    expect(codesOf({ observations: [HEART_RATE] }, 1)).toEqual([]);
  });
});
