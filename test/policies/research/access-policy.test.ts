import { describe, expect, it } from 'vitest';
import { parseAccessPolicy, policyBudgetMicro, toMicroEpsilon } from '../../../policies/research/access-policy.js';
import { POLICY_JSON } from './research-builders.js';

const withField = (key: string, value: unknown): Record<string, unknown> => ({ ...POLICY_JSON, [key]: value });
const without = (key: string): Record<string, unknown> => {
  const copy: Record<string, unknown> = { ...POLICY_JSON };
  delete copy[key];
  return copy;
};
const codes = (json: unknown): string[] => {
  const parsed = parseAccessPolicy(json);
  return parsed.ok ? [] : parsed.problems.map((p) => `${p.field}:${p.code}`);
};

describe('parseAccessPolicy', () => {
  it('accepts a complete policy and freezes it', () => {
    const parsed = parseAccessPolicy(POLICY_JSON);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.policy.categories).toEqual(['heart-rate', 'blood-pressure']);
    expect(Object.isFrozen(parsed.policy.duo.modifiers)).toBe(true);
  });

  it('defaults the de-identification to month dates and no profile fields', () => {
    const parsed = parseAccessPolicy(without('deidentification'));
    expect(parsed.ok && parsed.policy.deidentification).toEqual({ dateTruncation: 'month', profileFields: [] });
  });

  it.each([
    ['not an object', [], ':invalid_policy'],
    ['an unknown field', withField('owner', 'x'), 'owner:unknown_field'],
    ['a missing id', without('id'), 'id:missing_field'],
    ['an id with odd characters', withField('id', 'a/b'), 'id:invalid_id'],
    ['version 0', withField('version', 0), 'version:invalid_version'],
    ['a missing grantee', without('grantee'), 'grantee:missing_field'],
    ['an empty purpose', withField('purpose', '  '), 'purpose:invalid_text'],
    ['an oversized purpose', withField('purpose', 'x'.repeat(5000)), 'purpose:too_long'],
    ['a missing duo', without('duo'), 'duo:missing_field'],
    [
      'an unknown DUO permission',
      withField('duo', { permission: 'ZZZ', modifiers: [] }),
      'duo.permission:unknown_duo_permission',
    ],
    ['an unknown field in duo', withField('duo', { permission: 'HMB', modifiers: [], x: 1 }), 'duo.x:unknown_field'],
    ['IRB without an ethics reference', { ...without('ethicsApproval') }, 'ethicsApproval:missing_field'],
    ['no categories', withField('categories', []), 'categories:empty_list'],
    ['a category outside the catalogue', withField('categories', ['dna']), 'categories[0]:invalid_item'],
    ['a category twice', withField('categories', ['bmi', 'bmi']), 'categories[1]:duplicate_item'],
    ['an unknown level', withField('level', 'raw'), 'level:invalid_choice'],
    ['an unknown statistic', withField('statistics', ['max']), 'statistics[0]:invalid_item'],
    ['statistics as text', withField('statistics', 'count'), 'statistics:invalid_list'],
    ['an unknown groupBy', withField('groupBy', ['postcode']), 'groupBy[0]:invalid_item'],
    ['a period without to', withField('period', { from: '2024-01-01T00:00:00.000Z' }), 'period.to:missing_field'],
    [
      'a reversed period',
      withField('period', { from: '2025-01-01T00:00:00.000Z', to: '2024-01-01T00:00:00.000Z' }),
      'period:invalid_period',
    ],
    ['a date without a zone', withField('validUntil', '2026-01-01'), 'validUntil:invalid_instant'],
    ['ε of 0', withField('epsilonBudget', 0), 'epsilonBudget:invalid_epsilon'],
    ['ε above the bylaws maximum', withField('epsilonBudget', 3.5), 'epsilonBudget:epsilon_above_bylaws'],
    ['ε with seven decimals', withField('epsilonBudget', 0.1234567), 'epsilonBudget:invalid_epsilon'],
    ['ε as text', withField('epsilonBudget', '1'), 'epsilonBudget:invalid_epsilon'],
    ['minCellSize below the bylaws', withField('minCellSize', 5), 'minCellSize:min_cell_size_below_bylaws'],
    ['minCellSize not an integer', withField('minCellSize', 11.5), 'minCellSize:invalid_min_cell_size'],
    [
      'an unknown date truncation',
      withField('deidentification', { dateTruncation: 'week' }),
      'deidentification.dateTruncation:invalid_choice',
    ],
    [
      'a profile field outside the dimensions',
      withField('deidentification', { profileFields: ['birthYear'] }),
      'deidentification.profileFields[0]:invalid_item',
    ],
    ['a NoSQL operator as grantee', withField('grantee', { $ne: null }), 'grantee:invalid_text'],
  ])('refuses %s', (_name, json, expected) => {
    expect(codes(json)).toContain(expected);
  });

  it('lists every problem at once', () => {
    const json = { ...POLICY_JSON, version: -1, level: 'raw', minCellSize: 2, epsilonBudget: 10 };
    expect(codes(json)).toEqual([
      'version:invalid_version',
      'level:invalid_choice',
      'epsilonBudget:epsilon_above_bylaws',
      'minCellSize:min_cell_size_below_bylaws',
    ]);
  });

  it('accepts the bylaws maximum ε and minCellSize exactly', () => {
    expect(codes({ ...POLICY_JSON, epsilonBudget: 3, minCellSize: 11 })).toEqual([]);
  });
});

describe('micro-ε', () => {
  it.each([
    [1, 1_000_000],
    [0.1, 100_000],
    [0.3, 300_000],
    [2.999999, 2_999_999],
    [0.000001, 1],
  ])('%s ε is %s micro-ε', (epsilon, micro) => {
    expect(toMicroEpsilon(epsilon)).toBe(micro);
  });

  it.each([0, -1, 0.0000001, Number.NaN, Infinity])('%s is not a budget', (epsilon) => {
    expect(toMicroEpsilon(epsilon)).toBeUndefined();
  });

  it('gives the policy budget in micro-ε', () => {
    const parsed = parseAccessPolicy({ ...POLICY_JSON, epsilonBudget: 0.7 });
    expect(parsed.ok && policyBudgetMicro(parsed.policy)).toBe(700_000);
  });
});
