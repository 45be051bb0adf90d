import { describe, expect, it } from 'vitest';
import { validateObservation, validateUploadRows } from '../../../policies/observations/observation-rules.js';

const NOW = new Date('2024-06-01T12:00:00.000Z');

function buildInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    category: 'heart-rate',
    value: 72,
    unit: '/min',
    effectiveAt: '2024-05-31T07:30:00Z',
    source: 'manual',
    ...overrides,
  };
}

function buildBloodPressure(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return buildInput({ category: 'blood-pressure', value: undefined, unit: 'mmHg', ...overrides });
}

function problemsOf(input: unknown): { field: string; code: string }[] {
  const result = validateObservation(input, NOW);
  if (result.ok) return [];
  return result.problems.map(({ field, code }) => ({ field, code }));
}

describe('validateObservation', () => {
  it('returns a valid heart rate in canonical form', () => {
    expect(validateObservation(buildInput({ unit: 'bpm', note: '  after coffee ' }), NOW)).toEqual({
      ok: true,
      observation: {
        category: 'heart-rate',
        value: 72,
        unit: '/min',
        effectiveAt: '2024-05-31T07:30:00.000Z',
        source: 'manual',
        note: 'after coffee',
      },
    });
  });

  it('converts a weight in pounds to kilograms exactly', () => {
    const result = validateObservation(buildInput({ category: 'body-weight', value: 150, unit: '[lb_av]' }), NOW);
    expect(result).toMatchObject({ ok: true, observation: { value: 68.0388555, unit: 'kg' } });
  });

  it('accepts blood pressure as systolic and diastolic components', () => {
    const input = buildBloodPressure({ components: { systolic: 124, diastolic: 79 } });
    expect(validateObservation(input, NOW)).toEqual({
      ok: true,
      observation: {
        category: 'blood-pressure',
        components: { systolic: 124, diastolic: 79 },
        unit: 'mm[Hg]',
        effectiveAt: '2024-05-31T07:30:00.000Z',
        source: 'manual',
      },
    });
  });

  it('converts every blood pressure component from kPa', () => {
    const input = buildBloodPressure({ unit: 'kPa', components: { systolic: 16, diastolic: 10.5 } });
    expect(validateObservation(input, NOW)).toMatchObject({
      ok: true,
      observation: { components: { systolic: 120.010200867, diastolic: 78.756694319 } },
    });
  });

  it('accepts a LOINC code in place of the category code', () => {
    expect(validateObservation(buildInput({ category: '8867-4' }), NOW)).toMatchObject({
      ok: true,
      observation: { category: 'heart-rate' },
    });
  });

  it('checks the plausible range after conversion', () => {
    const fever = buildInput({ category: 'body-temperature', value: 100, unit: '[degF]' });
    const boiling = buildInput({ category: 'body-temperature', value: 100, unit: 'Cel' });
    expect(validateObservation(fever, NOW)).toMatchObject({
      ok: true,
      observation: { value: 37.7777777778 },
    });
    expect(problemsOf(boiling)).toEqual([{ field: 'value', code: 'out_of_range' }]);
  });

  it('says what was given when a converted value is out of range', () => {
    const result = validateObservation(buildInput({ category: 'body-weight', value: 1500, unit: 'lb' }), NOW);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems[0]?.message).toMatch(/680\.388\d* kg \(given 1500 lb\).*0\.3–650 kg/);
    }
  });

  it.each([
    ['an unknown category', { category: 'heart-beat' }, 'category', 'unknown_category'],
    ['a category that is not text', { category: 42 }, 'category', 'unknown_category'],
    ['no category', { category: undefined }, 'category', 'missing_category'],
    ['a unit that cannot be converted', { unit: 'kg' }, 'unit', 'unit_not_accepted'],
    ['a unit that is not text', { unit: 60 }, 'unit', 'unit_not_accepted'],
    ['no unit', { unit: '' }, 'unit', 'missing_unit'],
    ['a value above the range', { value: 400 }, 'value', 'out_of_range'],
    ['a value below the range', { value: 5 }, 'value', 'out_of_range'],
    ['a value given as text', { value: '72' }, 'value', 'invalid_number'],
    ['an infinite value', { value: Number.POSITIVE_INFINITY }, 'value', 'invalid_number'],
    ['a query operator as value', { value: { $gt: '' } }, 'value', 'invalid_number'],
    ['no value', { value: undefined }, 'value', 'missing_value'],
    ['a null value', { value: null }, 'value', 'missing_value'],
    ['components on a single-value category', { components: { systolic: 1 } }, 'components', 'unexpected_components'],
    ['an unparsable time', { effectiveAt: 'yesterday' }, 'effectiveAt', 'invalid_time'],
    ['a month that does not exist', { effectiveAt: '2024-13-01T00:00:00Z' }, 'effectiveAt', 'invalid_time'],
    ['a day that does not exist', { effectiveAt: '2023-02-29' }, 'effectiveAt', 'invalid_time'],
    ['a time given as a number', { effectiveAt: 1717200000000 }, 'effectiveAt', 'invalid_time'],
    ['a month alone', { effectiveAt: '2024-03' }, 'effectiveAt', 'imprecise_time'],
    ['a time without a zone', { effectiveAt: '2024-03-01T10:00:00' }, 'effectiveAt', 'missing_timezone'],
    ['a time in the future', { effectiveAt: '2024-06-01T12:06:00Z' }, 'effectiveAt', 'future_time'],
    ['a time before 1900', { effectiveAt: '1899-12-31T23:59:59Z' }, 'effectiveAt', 'time_too_early'],
    ['a two-digit year', { effectiveAt: '0099-01-01' }, 'effectiveAt', 'time_too_early'],
    ['no time', { effectiveAt: undefined }, 'effectiveAt', 'missing_time'],
    ['an unknown source', { source: 'import' }, 'source', 'invalid_source'],
    ['no source', { source: undefined }, 'source', 'missing_source'],
    ['a note that is not text', { note: 42 }, 'note', 'invalid_note'],
    ['a note of 501 characters', { note: 'x'.repeat(501) }, 'note', 'note_too_long'],
  ])('refuses %s', (_what, overrides, field, code) => {
    expect(problemsOf(buildInput(overrides))).toEqual([{ field, code }]);
  });

  it.each([
    [
      'a value as well as components',
      { value: 120, components: { systolic: 120, diastolic: 80 } },
      'value',
      'unexpected_value',
    ],
    ['no components', {}, 'components', 'missing_value'],
    ['components that are not an object', { components: [120, 80] }, 'components', 'invalid_components'],
    ['a missing diastolic', { components: { systolic: 120 } }, 'components.diastolic', 'missing_component'],
    [
      'a diastolic given as text',
      { components: { systolic: 120, diastolic: '80' } },
      'components.diastolic',
      'invalid_number',
    ],
    [
      'an unknown component',
      { components: { systolic: 120, diastolic: 80, mean: 93 } },
      'components.mean',
      'unknown_component',
    ],
    [
      'a systolic out of range',
      { components: { systolic: 400, diastolic: 80 } },
      'components.systolic',
      'out_of_range',
    ],
    [
      'systolic below diastolic',
      { components: { systolic: 80, diastolic: 120 } },
      'components',
      'systolic_not_above_diastolic',
    ],
    [
      'systolic equal to diastolic',
      { components: { systolic: 90, diastolic: 90 } },
      'components',
      'systolic_not_above_diastolic',
    ],
  ])('refuses blood pressure with %s', (_what, overrides, field, code) => {
    const input = buildBloodPressure(overrides);
    if (!('components' in overrides)) delete input.components;
    expect(problemsOf(input)).toContainEqual({ field, code });
    expect(problemsOf(input)).toHaveLength(1);
  });

  it('reports a unit refused for blood pressure once, not once per component', () => {
    expect(problemsOf(buildBloodPressure({ unit: 'psi', components: { systolic: 2, diastolic: 1 } }))).toEqual([
      { field: 'unit', code: 'unit_not_accepted' },
    ]);
  });

  it.each([[null], [[]], ['heart-rate 72'], [72]])('refuses %j as an observation', (input) => {
    expect(problemsOf(input)).toEqual([{ field: '', code: 'invalid_observation' }]);
  });

  it('reports every problem of an observation at once', () => {
    const input = buildInput({ category: 'pulse', effectiveAt: '2030-01-01T00:00:00Z', source: 'fax' });
    expect(problemsOf(input).map((p) => p.code)).toEqual(['unknown_category', 'future_time', 'invalid_source']);
  });

  it('allows a device clock a few minutes ahead', () => {
    expect(validateObservation(buildInput({ effectiveAt: '2024-06-01T12:04:59Z' }), NOW).ok).toBe(true);
  });

  it('accepts the first instant of 1900', () => {
    expect(validateObservation(buildInput({ effectiveAt: '1900-01-01T00:00:00Z' }), NOW).ok).toBe(true);
  });

  it.each([
    ['2024-03-14T08:00:00+01:00', '2024-03-14T07:00:00.000Z'],
    ['2024-03-14T08:00+0100', '2024-03-14T07:00:00.000Z'],
    ['2024-03-14 07:00Z', '2024-03-14T07:00:00.000Z'],
    ['2024-03-14t07:00:00.123456z', '2024-03-14T07:00:00.123Z'],
    ['2024-03-13T21:00:00-10:00', '2024-03-14T07:00:00.000Z'],
    ['2012-09-17', '2012-09-17T00:00:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
  ])('stores %s as the UTC instant %s', (effectiveAt, stored) => {
    expect(validateObservation(buildInput({ effectiveAt }), NOW)).toMatchObject({
      ok: true,
      observation: { effectiveAt: stored },
    });
  });

  it('counts the note length in characters, not UTF-16 units', () => {
    const result = validateObservation(buildInput({ note: '🫀'.repeat(500) }), NOW);
    expect(result.ok).toBe(true);
  });

  it('drops a blank note', () => {
    const result = validateObservation(buildInput({ note: '   ' }), NOW);
    expect(result.ok && 'note' in result.observation).toBe(false);
  });

  it('ignores fields it does not know and copies none of them', () => {
    const result = validateObservation(buildInput({ id: 'abc', memberId: 'someone-else', $where: '1' }), NOW);
    expect(result.ok && Object.keys(result.observation)).toEqual([
      'category',
      'value',
      'unit',
      'effectiveAt',
      'source',
    ]);
  });

  it('reads own properties only, so __proto__ keys carry nothing in', () => {
    const parsed: unknown = JSON.parse(
      '{"__proto__": {"category": "heart-rate"}, "value": 72, "unit": "/min",' +
        ' "effectiveAt": "2024-05-31T07:30:00Z", "source": "manual"}',
    );
    const inherited = Object.assign(
      Object.create({ category: 'heart-rate' }) as object,
      buildInput({ category: undefined }),
    );
    expect(problemsOf(parsed)).toEqual([{ field: 'category', code: 'missing_category' }]);
    expect(problemsOf(inherited)).toEqual([{ field: 'category', code: 'missing_category' }]);
    expect(({} as Record<string, unknown>).category).toBeUndefined();
  });
});

describe('validateUploadRows', () => {
  it('keeps the row index of every observation and every problem, parser problems included', () => {
    const result = validateUploadRows(
      {
        rows: [
          { index: 0, candidate: buildInput() },
          { index: 2, candidate: buildInput({ value: 999 }) },
          { index: 3, candidate: buildInput({ unit: 'Hz' }) },
        ],
        problems: [{ index: 1, field: '', code: 'field_count_mismatch', message: 'line 3: …' }],
      },
      NOW,
    );
    expect(result.observations.map((o) => o.index)).toEqual([0]);
    expect(result.problems.map(({ index, code }) => ({ index, code }))).toEqual([
      { index: 1, code: 'field_count_mismatch' },
      { index: 2, code: 'out_of_range' },
      { index: 3, code: 'unit_not_accepted' },
    ]);
  });

  it('has no problems when every row is valid', () => {
    const result = validateUploadRows({ rows: [{ index: 0, candidate: buildInput() }], problems: [] }, NOW);
    expect(result.problems).toEqual([]);
    expect(result.observations).toHaveLength(1);
  });
});
