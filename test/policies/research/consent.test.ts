import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Consent,
  consentAllows,
  type ConsentHistory,
  consentInForce,
  consentLevels,
  DEFAULT_CONSENT,
  memberIncluded,
  parseConsent,
} from '../../../policies/research/consent.js';
import type { DuoModifierCode } from '../../../policies/research/duo.js';
import { buildConsent, buildPolicy, consentVersion } from './research-builders.js';

const t0 = Date.parse('2025-03-01T00:00:00.000Z');
const policy = buildPolicy(); // HMB + NCU + IRB, aggregate, heart-rate and blood-pressure
const conditions = (overrides: Partial<Consent['conditions']>): Consent['conditions'] => ({
  ...DEFAULT_CONSENT.conditions,
  ...overrides,
});

describe('consentInForce', () => {
  const first = buildConsent({ categories: { 'heart-rate': 'aggregate' } });
  const second = buildConsent({ categories: { 'heart-rate': 'none' } });
  const history: ConsentHistory = [consentVersion(2, t0 + 1000, second), consentVersion(1, t0, first)];

  it('is the default (nothing shared) before any version', () => {
    expect(consentInForce(history, t0 - 1)).toBe(DEFAULT_CONSENT);
    expect(consentInForce([], t0)).toBe(DEFAULT_CONSENT);
  });

  it('takes a change into force at its own instant, whatever the order stored', () => {
    expect(consentInForce(history, t0)).toBe(first);
    expect(consentInForce(history, t0 + 999)).toBe(first);
    expect(consentInForce(history, t0 + 1000)).toBe(second);
  });

  it('breaks a tie on the instant by the higher version', () => {
    const tie = [consentVersion(4, t0, second), consentVersion(3, t0, first)];
    expect(consentInForce(tie, t0)).toBe(second);
  });
});

describe('consentAllows', () => {
  it.each([
    ['a member who shares heart rate in aggregate', buildConsent(), 'heart-rate', policy, 'aggregate', 'included'],
    ['a member with the default consent', DEFAULT_CONSENT, 'heart-rate', policy, 'aggregate', 'no_consent'],
    [
      'a member who shares another category only',
      buildConsent({ categories: { steps: 'aggregate' } }),
      'heart-rate',
      policy,
      'aggregate',
      'no_consent',
    ],
    [
      'a category the policy lacks',
      buildConsent({ categories: { steps: 'pseudonymised' } }),
      'steps',
      policy,
      'aggregate',
      'category_not_in_policy',
    ],
    [
      'pseudonymised consent in an aggregate query',
      buildConsent({ categories: { 'heart-rate': 'pseudonymised' } }),
      'heart-rate',
      policy,
      'aggregate',
      'included',
    ],
    [
      'aggregate consent in a pseudonymised export',
      buildConsent(),
      'heart-rate',
      buildPolicy({ level: 'pseudonymised' }),
      'pseudonymised',
      'level_not_consented',
    ],
    [
      'an export under an aggregate policy',
      buildConsent({ categories: { 'heart-rate': 'pseudonymised' } }),
      'heart-rate',
      policy,
      'pseudonymised',
      'policy_level_insufficient',
    ],
    [
      'pseudonymised consent in a pseudonymised export',
      buildConsent({ categories: { 'heart-rate': 'pseudonymised' } }),
      'heart-rate',
      buildPolicy({ level: 'pseudonymised' }),
      'pseudonymised',
      'included',
    ],
    [
      'a member who left this study',
      buildConsent({ optedOutPolicies: ['policy-1'] }),
      'heart-rate',
      policy,
      'aggregate',
      'opted_out',
    ],
    [
      'a member who left another study',
      buildConsent({ optedOutPolicies: ['policy-9'] }),
      'heart-rate',
      policy,
      'aggregate',
      'included',
    ],
    [
      'non-commercial only, policy carries NCU',
      buildConsent({ conditions: conditions({ nonCommercialOnly: true }) }),
      'heart-rate',
      policy,
      'aggregate',
      'included',
    ],
    [
      'non-commercial only, policy carries NPUNCU',
      buildConsent({ conditions: conditions({ nonCommercialOnly: true }) }),
      'heart-rate',
      buildPolicy({ duo: { permission: 'HMB', modifiers: ['NPUNCU'] } }),
      'aggregate',
      'included',
    ],
    [
      'non-commercial only, policy without NCU',
      buildConsent({ conditions: conditions({ nonCommercialOnly: true }) }),
      'heart-rate',
      buildPolicy({ duo: { permission: 'HMB', modifiers: ['NPU'] } }),
      'aggregate',
      'condition_non_commercial',
    ],
    [
      'not-for-profit only, policy with NCU only',
      buildConsent({ conditions: conditions({ notForProfitOnly: true }) }),
      'heart-rate',
      policy,
      'aggregate',
      'condition_not_for_profit',
    ],
    [
      'no ancestry research, POA policy',
      buildConsent({ conditions: conditions({ noAncestryResearch: true }) }),
      'heart-rate',
      buildPolicy({ duo: { permission: 'POA', modifiers: [] } }),
      'aggregate',
      'condition_no_ancestry_research',
    ],
    [
      'no ancestry research, GRU without NPOA',
      buildConsent({ conditions: conditions({ noAncestryResearch: true }) }),
      'heart-rate',
      buildPolicy({ duo: { permission: 'GRU', modifiers: [] } }),
      'aggregate',
      'condition_no_ancestry_research',
    ],
    [
      'no ancestry research, GRU with NPOA',
      buildConsent({ conditions: conditions({ noAncestryResearch: true }) }),
      'heart-rate',
      buildPolicy({ duo: { permission: 'GRU', modifiers: ['NPOA'] } }),
      'aggregate',
      'included',
    ],
    [
      'no ancestry research, HMB',
      buildConsent({ conditions: conditions({ noAncestryResearch: true }) }),
      'heart-rate',
      policy,
      'aggregate',
      'included',
    ],
    [
      'ethics approval required, policy without IRB',
      buildConsent({ conditions: conditions({ ethicsApprovalRequired: true }) }),
      'heart-rate',
      buildPolicy({ duo: { permission: 'HMB', modifiers: ['NCU'] } }),
      'aggregate',
      'condition_ethics_approval',
    ],
    [
      'a level that is not a consent level',
      buildConsent({ categories: { 'heart-rate': 'everything' as never } }),
      'heart-rate',
      policy,
      'aggregate',
      'no_consent',
    ],
    [
      'an inherited property name as category',
      buildConsent(),
      'toString',
      buildPolicy({ categories: ['toString'] }),
      'aggregate',
      'no_consent',
    ],
  ] as const)('%s → %s', (_name, consent, category, subject, use, reason) => {
    const inclusion = consentAllows(consent, subject, category, use);
    expect(inclusion).toEqual({ included: reason === 'included', reason });
  });
});

describe('memberIncluded', () => {
  const share = buildConsent({ categories: { 'heart-rate': 'aggregate', 'blood-pressure': 'aggregate' } });
  const withdraw = buildConsent({ categories: { 'heart-rate': 'none', 'blood-pressure': 'aggregate' } });

  it('uses the consent in force at the request instant', () => {
    const history = [consentVersion(1, t0, share), consentVersion(2, t0 + 60_000, withdraw)];
    expect(memberIncluded(history, policy, 'heart-rate', t0 + 59_999).included).toBe(true);
    expect(memberIncluded(history, policy, 'heart-rate', t0 + 60_000)).toEqual({
      included: false,
      reason: 'no_consent',
    });
    expect(memberIncluded(history, policy, 'blood-pressure', t0 + 60_000).included).toBe(true);
  });

  const level = fc.constantFrom(...consentLevels);
  const consentArb = fc.record({
    categories: fc.record({ 'heart-rate': level, 'blood-pressure': level, steps: level }),
    conditions: fc.record({
      nonCommercialOnly: fc.boolean(),
      notForProfitOnly: fc.boolean(),
      noAncestryResearch: fc.boolean(),
      ethicsApprovalRequired: fc.boolean(),
    }),
    optedOutPolicies: fc.subarray(['policy-1', 'policy-2']),
  });
  const policyArb = fc
    .record({
      permission: fc.constantFrom('NRES', 'GRU', 'HMB', 'DS', 'POA'),
      modifiers: fc.subarray<DuoModifierCode>(['NCU', 'NPU', 'NPUNCU', 'NPOA', 'IRB', 'PUB']),
      level: fc.constantFrom('aggregate', 'pseudonymised'),
      categories: fc.subarray(['heart-rate', 'blood-pressure', 'steps'], { minLength: 1 }),
    })
    .map(({ permission, modifiers, level: policyLevel, categories }) =>
      buildPolicy({ duo: { permission, modifiers }, level: policyLevel, categories }),
    );
  const categoryArb = fc.constantFrom('heart-rate', 'blood-pressure', 'steps');
  const useArb = fc.constantFrom('aggregate', 'pseudonymised') as fc.Arbitrary<'aggregate' | 'pseudonymised'>;

  it('never includes a member whose consent for the category is none (property)', () => {
    fc.assert(
      fc.property(consentArb, policyArb, categoryArb, useArb, (consent, subject, category, use) => {
        const inclusion = consentAllows(consent, subject, category, use);
        if (consent.categories[category as keyof typeof consent.categories] === 'none') {
          expect(inclusion.included).toBe(false);
        }
        if (inclusion.included) {
          expect(subject.categories).toContain(category);
          expect(consent.optedOutPolicies).not.toContain(subject.id);
        }
      }),
    );
  });

  it('excludes a member from every request at or after a withdrawal (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1_000_000 }), consentArb), { maxLength: 6 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 2_000_000 }),
        policyArb,
        categoryArb,
        useArb,
        (earlier, withdrawnAt, later, subject, category, use) => {
          // Any history, then a withdrawal of `category` at t; no change recorded after it.
          const history: ConsentHistory = [
            ...earlier
              .filter(([at]) => at < withdrawnAt)
              .map(([at, consent], i) => consentVersion(i + 1, t0 + at, consent)),
            consentVersion(100, t0 + withdrawnAt, buildConsent({ categories: { [category]: 'none' } })),
          ];
          const at = t0 + withdrawnAt + later;
          expect(memberIncluded(history, subject, category, at, use).included).toBe(false);
        },
      ),
    );
  });
});

describe('parseConsent', () => {
  it('accepts a consent and fills the defaults', () => {
    const parsed = parseConsent({ categories: { 'heart-rate': 'aggregate', steps: 'none' } });
    expect(parsed).toEqual({
      ok: true,
      consent: {
        categories: { 'heart-rate': 'aggregate' },
        conditions: DEFAULT_CONSENT.conditions,
        optedOutPolicies: [],
      },
    });
  });

  it.each([
    ['not an object', 'yes', ':invalid_consent'],
    ['an unknown field', { everything: true }, 'everything:unknown_field'],
    ['a category outside the catalogue', { categories: { dna: 'aggregate' } }, 'categories.dna:unknown_category'],
    ['an unknown level', { categories: { 'heart-rate': 'all' } }, 'categories.heart-rate:invalid_level'],
    [
      'a NoSQL operator as level',
      { categories: { 'heart-rate': { $ne: 'none' } } },
      'categories.heart-rate:invalid_level',
    ],
    ['an unknown condition', { conditions: { noMarketing: true } }, 'conditions.noMarketing:unknown_field'],
    [
      'a condition that is not a boolean',
      { conditions: { nonCommercialOnly: 'yes' } },
      'conditions.nonCommercialOnly:invalid_condition',
    ],
    ['opt-outs that are not a list', { optedOutPolicies: 'policy-1' }, 'optedOutPolicies:invalid_opt_outs'],
    ['a malformed policy id', { optedOutPolicies: ['$where'] }, 'optedOutPolicies[0]:invalid_policy_id'],
  ])('refuses %s', (_name, json, expected) => {
    const parsed = parseConsent(json);
    expect(parsed.ok ? [] : parsed.problems.map((p) => `${p.field}:${p.code}`)).toContain(expected);
  });
});
