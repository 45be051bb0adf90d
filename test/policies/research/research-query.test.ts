import { describe, expect, it } from 'vitest';
import { researchQuerySchema } from '../../../policies/research/research-query.js';
import { checkWith } from '../../../policies/shared/problem.js';

const query = { policyId: 'heart-study-1', category: 'heart-rate', statistic: 'count' };
const codes = (value: unknown) => {
  const checked = checkWith(researchQuerySchema, value);
  return checked.ok ? [] : checked.problems.map((p) => `${p.field}:${p.code}`);
};

describe('researchQuerySchema', () => {
  it('accepts a query in the language, with its optional parts', () => {
    const full = { ...query, groupBy: ['sex', 'ageBand'], from: '2025-01-01T00:00:00.000Z', epsilon: 0.1 };
    expect(codes(full)).toEqual([]);
  });

  it.each([
    ['an operator as policy id', { ...query, policyId: { $ne: null } }, 'policyId:invalid_type'],
    ['a category outside the catalogue', { ...query, category: 'shoe-size' }, 'category:invalid_value'],
    ['a statistic outside the language', { ...query, statistic: 'max' }, 'statistic:invalid_value'],
    ['a dimension outside the language', { ...query, groupBy: ['postcode'] }, 'groupBy[0]:invalid_value'],
    ['an instant without milliseconds', { ...query, from: '2025-01-01T00:00:00Z' }, 'from:invalid_format'],
    ['an unknown field', { ...query, $where: 'sleep(1)' }, '$where:unknown_field'],
    ['a missing statistic', { policyId: 'p', category: 'steps' }, 'statistic:missing_field'],
  ])('refuses %s', (_what, value, expected) => {
    expect(codes(value)).toContain(expected);
  });
});
