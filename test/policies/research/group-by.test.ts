import { describe, expect, it } from 'vitest';
import { ageBandAt, ageBands, dimensionValues, groupValuesOf } from '../../../policies/research/group-by.js';

const at = Date.parse('2025-06-15T00:00:00.000Z');

describe('age bands', () => {
  it.each([
    [2000, '0-29'],
    [1996, '0-29'],
    [1995, '30-39'],
    [1986, '30-39'],
    [1985, '40-49'],
    [1950, '70-79'],
    [1945, '80+'],
    [1905, '80+'],
    [1904, 'unknown'],
    [2026, 'unknown'],
    [null, 'unknown'],
    [1990.5, 'unknown'],
  ])('born %s → %s in 2025', (birthYear, band) => {
    expect(ageBandAt(birthYear, at)).toBe(band);
  });

  it('uses the year of the query, so a member moves up a band on 1 January', () => {
    expect(ageBandAt(1995, Date.parse('2024-12-31T23:59:59.999Z'))).toBe('0-29');
    expect(ageBandAt(1995, Date.parse('2025-01-01T00:00:00.000Z'))).toBe('30-39');
  });

  it('every band is in the fixed list', () => {
    for (let year = 1890; year <= 2030; year += 1) expect(ageBands).toContain(ageBandAt(year, at));
  });
});

describe('group values', () => {
  it('puts missing or unknown profile fields in their buckets', () => {
    expect(groupValuesOf({}, at)).toEqual({ ageBand: 'unknown', sex: 'unspecified', region: 'unknown' });
    expect(groupValuesOf({ sex: 'robot', region: 'CH99', birthYear: 1970 }, at)).toEqual({
      ageBand: '50-59',
      sex: 'unspecified',
      region: 'unknown',
    });
  });

  it('keeps known values', () => {
    expect(groupValuesOf({ sex: 'female', region: 'CH04', birthYear: 1980 }, at)).toEqual({
      ageBand: '40-49',
      sex: 'female',
      region: 'CH04',
    });
  });

  it('every dimension has a fixed list that contains its bucket', () => {
    expect(dimensionValues('region')).toContain('unknown');
    expect(dimensionValues('sex')).toContain('unspecified');
    expect(dimensionValues('ageBand')).toContain('unknown');
  });
});
