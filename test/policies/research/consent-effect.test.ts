import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { consentEffect } from '../../../policies/research/consent-effect.js';
import { consentAllows, consentLevels, DEFAULT_CONSENT } from '../../../policies/research/consent.js';
import { buildConsent, buildPolicy } from './research-builders.js';

const policy = buildPolicy(); // HMB + NCU + IRB, aggregate, heart-rate and blood-pressure
const pseudonymised = buildPolicy({ level: 'pseudonymised' });

describe('consentEffect', () => {
  it('answers every category of the policy, in its order, and no other', () => {
    const effects = consentEffect(buildConsent({ categories: { steps: 'aggregate' } }), policy);
    expect(effects.map((e) => e.category)).toEqual(['heart-rate', 'blood-pressure']);
  });

  it('includes a category the member shares at the level the policy asks', () => {
    const [heart, pressure] = consentEffect(buildConsent(), policy);
    expect(heart).toEqual({
      category: 'heart-rate',
      consentLevel: 'aggregate',
      effect: 'included',
      reason: 'included',
    });
    expect(pressure).toEqual({
      category: 'blood-pressure',
      consentLevel: 'none',
      effect: 'excluded',
      reason: 'no_consent',
    });
  });

  it('leaves a member with no consent at all out of everything', () => {
    expect(
      consentEffect(DEFAULT_CONSENT, policy).every((e) => e.effect === 'excluded' && e.reason === 'no_consent'),
    ).toBe(true);
  });

  it('includes an aggregate-only consent in the aggregates of a pseudonymised policy, not in its export', () => {
    const [heart] = consentEffect(buildConsent(), pseudonymised);
    expect(heart).toMatchObject({ effect: 'aggregate_only', reason: 'level_not_consented' });
    const [full] = consentEffect(buildConsent({ categories: { 'heart-rate': 'pseudonymised' } }), pseudonymised);
    expect(full).toMatchObject({ effect: 'included', consentLevel: 'pseudonymised' });
  });

  it.each([
    [{ notForProfitOnly: true }, 'condition_not_for_profit'],
    [{ nonCommercialOnly: true, ethicsApprovalRequired: false }, null],
    [{ ethicsApprovalRequired: true }, null],
  ] as const)('applies the member condition %o (reason %s)', (overrides, reason) => {
    const consent = buildConsent({ conditions: { ...DEFAULT_CONSENT.conditions, ...overrides } });
    const [heart] = consentEffect(consent, policy);
    if (reason === null) expect(heart).toMatchObject({ effect: 'included' });
    else expect(heart).toMatchObject({ effect: 'excluded', reason });
  });

  it('gives the study-left reason when the member opted out of this policy', () => {
    const [heart] = consentEffect(buildConsent({ optedOutPolicies: [policy.id] }), policy);
    expect(heart).toMatchObject({ effect: 'excluded', reason: 'opted_out' });
  });

  it('never promises more than the query engine allows (property)', () => {
    const level = fc.constantFrom(...consentLevels);
    fc.assert(
      fc.property(
        level,
        level,
        fc.constantFrom('aggregate', 'pseudonymised'),
        fc.record({
          nonCommercialOnly: fc.boolean(),
          notForProfitOnly: fc.boolean(),
          noAncestryResearch: fc.boolean(),
          ethicsApprovalRequired: fc.boolean(),
        }),
        (heart, pressure, policyLevel, conditions) => {
          const consent = buildConsent({ categories: { 'heart-rate': heart, 'blood-pressure': pressure }, conditions });
          const p = buildPolicy({ level: policyLevel as 'aggregate' | 'pseudonymised' });
          for (const e of consentEffect(consent, p)) {
            const aggregate = consentAllows(consent, p, e.category, 'aggregate').included;
            const full = consentAllows(consent, p, e.category, p.level).included;
            expect(e.effect === 'included').toBe(full);
            expect(e.effect !== 'excluded').toBe(aggregate);
          }
        },
      ),
    );
  });
});
