import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Consent, consentLevels, DEFAULT_CONSENT } from '../../../policies/research/consent.js';
import { consentHistoryChanges, diffConsent } from '../../../policies/research/consent-diff.js';
import { buildConsent, consentVersion } from './research-builders.js';

const t0 = Date.parse('2026-12-01T09:00:00.000Z');
const day = 86_400_000;

describe('diffConsent', () => {
  it('finds nothing between a consent and itself', () => {
    const consent = buildConsent({ optedOutPolicies: ['p1'] });
    expect(diffConsent(consent, consent)).toEqual([]);
  });

  it.each([
    [{}, { 'heart-rate': 'aggregate' }, 'none', 'aggregate'],
    [{ 'heart-rate': 'aggregate' }, {}, 'aggregate', 'none'],
    [{ 'heart-rate': 'aggregate' }, { 'heart-rate': 'pseudonymised' }, 'aggregate', 'pseudonymised'],
    [{ 'heart-rate': 'pseudonymised' }, { 'heart-rate': 'aggregate' }, 'pseudonymised', 'aggregate'],
  ] as const)('reports heart rate %j → %j as %s → %s', (before, after, from, to) => {
    expect(diffConsent(buildConsent({ categories: before }), buildConsent({ categories: after }))).toEqual([
      { kind: 'level', category: 'heart-rate', from, to },
    ]);
  });

  it('lists several category changes in code order, leaving unchanged ones out', () => {
    const before = buildConsent({ categories: { weight: 'aggregate', 'heart-rate': 'aggregate', steps: 'aggregate' } });
    const after = buildConsent({
      categories: { weight: 'pseudonymised', 'heart-rate': 'aggregate', sleep: 'aggregate' },
    });
    expect(diffConsent(before, after)).toEqual([
      { kind: 'level', category: 'sleep', from: 'none', to: 'aggregate' },
      { kind: 'level', category: 'steps', from: 'aggregate', to: 'none' },
      { kind: 'level', category: 'weight', from: 'aggregate', to: 'pseudonymised' },
    ]);
  });

  it('reports a condition switched on and another switched off', () => {
    const before = buildConsent({ conditions: { ...DEFAULT_CONSENT.conditions, notForProfitOnly: true } });
    const after = buildConsent({ conditions: { ...DEFAULT_CONSENT.conditions, nonCommercialOnly: true } });
    expect(diffConsent(before, after)).toEqual([
      { kind: 'condition', condition: 'nonCommercialOnly', on: true },
      { kind: 'condition', condition: 'notForProfitOnly', on: false },
    ]);
  });

  it('reports a study left and another rejoined', () => {
    const before = buildConsent({ optedOutPolicies: ['study-a'] });
    const after = buildConsent({ optedOutPolicies: ['study-b'] });
    expect(diffConsent(before, after)).toEqual([
      { kind: 'left', policyId: 'study-b' },
      { kind: 'rejoined', policyId: 'study-a' },
    ]);
  });

  it('reads an unknown stored level as none, as the engine does', () => {
    const odd = { ...DEFAULT_CONSENT, categories: { 'heart-rate': 'everything' } } as unknown as Consent;
    expect(diffConsent(DEFAULT_CONSENT, odd)).toEqual([]);
  });

  it('is empty exactly when the levels, conditions and studies left are the same (property)', () => {
    const level = fc.constantFrom(...consentLevels);
    const consent = fc
      .record({
        hr: level,
        weight: level,
        ncu: fc.boolean(),
        left: fc.subarray(['a', 'b', 'c']),
      })
      .map(({ hr, weight, ncu, left }): Consent => ({
        categories: Object.fromEntries(
          Object.entries({ 'heart-rate': hr, weight }).filter(([, l]) => l !== 'none'),
        ) as Consent['categories'],
        conditions: { ...DEFAULT_CONSENT.conditions, nonCommercialOnly: ncu },
        optedOutPolicies: left,
      }));
    fc.assert(
      fc.property(consent, consent, (a, b) => {
        const same =
          JSON.stringify(a.categories) === JSON.stringify(b.categories) &&
          a.conditions.nonCommercialOnly === b.conditions.nonCommercialOnly &&
          [...a.optedOutPolicies].sort().join() === [...b.optedOutPolicies].sort().join();
        const levelChanges = diffConsent(a, b).filter((c) => c.kind === 'level').length;
        const expectedLevels = ['heart-rate', 'weight'].filter(
          (c) => (a.categories[c] ?? 'none') !== (b.categories[c] ?? 'none'),
        ).length;
        return (diffConsent(a, b).length === 0) === same && levelChanges === expectedLevels;
      }),
    );
  });
});

describe('consentHistoryChanges', () => {
  it('compares the first version with nothing shared', () => {
    const history = [consentVersion(1, t0, buildConsent({ categories: { 'heart-rate': 'aggregate' } }))];
    expect(consentHistoryChanges(history)).toEqual([
      {
        version: 1,
        recordedAt: t0,
        changes: [{ kind: 'level', category: 'heart-rate', from: 'none', to: 'aggregate' }],
      },
    ]);
  });

  it('compares each version with the one before, in the order they took effect whatever order they come in', () => {
    const v1 = consentVersion(1, t0, buildConsent({ categories: { 'heart-rate': 'aggregate' } }));
    const v2 = consentVersion(
      2,
      t0 + day,
      buildConsent({ categories: { 'heart-rate': 'aggregate', weight: 'aggregate' } }),
    );
    const v3 = consentVersion(3, t0 + 2 * day, buildConsent({ categories: { weight: 'aggregate' } }));
    const changes = consentHistoryChanges([v3, v1, v2]);
    expect(changes.map((c) => c.version)).toEqual([1, 2, 3]);
    expect(changes[1]!.changes).toEqual([{ kind: 'level', category: 'weight', from: 'none', to: 'aggregate' }]);
    expect(changes[2]!.changes).toEqual([{ kind: 'level', category: 'heart-rate', from: 'aggregate', to: 'none' }]);
  });

  it('orders two versions at the same instant by version number', () => {
    const v1 = consentVersion(1, t0, buildConsent({ categories: { 'heart-rate': 'aggregate' } }));
    const v2 = consentVersion(2, t0, buildConsent({ categories: { 'heart-rate': 'pseudonymised' } }));
    expect(consentHistoryChanges([v2, v1])[1]!.changes).toEqual([
      { kind: 'level', category: 'heart-rate', from: 'aggregate', to: 'pseudonymised' },
    ]);
  });

  it('keeps a version that changed nothing, with no changes', () => {
    const same = buildConsent();
    const changes = consentHistoryChanges([consentVersion(1, t0, same), consentVersion(2, t0 + day, same)]);
    expect(changes[1]).toEqual({ version: 2, recordedAt: t0 + day, changes: [] });
  });

  it('has nothing for no history', () => {
    expect(consentHistoryChanges([])).toEqual([]);
  });
});
