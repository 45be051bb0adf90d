import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AccessPolicy } from '../../../policies/research/access-policy.js';
import {
  type AccessRequest,
  type DecisionContext,
  decide,
  type DenyReason,
  denyReasons,
} from '../../../policies/research/decide.js';
import { buildPolicy } from './research-builders.js';

const now = Date.parse('2025-06-01T00:00:00.000Z');
const policy = buildPolicy();
const pseudonymisedPolicy = buildPolicy({ level: 'pseudonymised' });

const request = (overrides: Partial<AccessRequest> = {}): AccessRequest => ({
  researcherId: 'researcher-1',
  policyId: 'policy-1',
  category: 'heart-rate',
  statistic: 'mean',
  groupBy: ['sex'],
  epsilon: 0.1,
  ...overrides,
});
const context = (overrides: Partial<DecisionContext> = {}): DecisionContext => ({
  now,
  policyStatus: 'active',
  researcherVerified: true,
  budgetRemainingMicro: 1_000_000,
  ...overrides,
});

const denials: [string, AccessRequest, AccessPolicy, DecisionContext, DenyReason][] = [
  ['an unverified researcher', request(), policy, context({ researcherVerified: false }), 'researcher_not_verified'],
  ['someone else', request({ researcherId: 'researcher-2' }), policy, context(), 'not_grantee'],
  ['a request for another policy', request({ policyId: 'policy-2' }), policy, context(), 'policy_mismatch'],
  ['a revoked policy', request(), policy, context({ policyStatus: 'revoked' }), 'policy_revoked'],
  ['an expired policy', request(), policy, context({ policyStatus: 'expired' }), 'policy_expired'],
  ['a superseded policy', request(), policy, context({ policyStatus: 'superseded' }), 'policy_not_active'],
  ['a never-approved policy', request(), policy, context({ policyStatus: 'pending' as never }), 'policy_not_active'],
  [
    'a status computed wrongly after validUntil',
    request(),
    policy,
    context({ now: Date.parse(policy.validUntil) }),
    'policy_expired',
  ],
  [
    'a pseudonymised export under an aggregate policy',
    request({ level: 'pseudonymised' }),
    policy,
    context(),
    'level_not_allowed',
  ],
  ['a category outside the policy', request({ category: 'steps' }), policy, context(), 'category_not_allowed'],
  [
    'a category that is not text',
    request({ category: { $ne: '' } as never }),
    policy,
    context(),
    'category_not_allowed',
  ],
  ['a statistic outside the policy', request({ statistic: 'quantiles' }), policy, context(), 'statistic_not_allowed'],
  ['an unknown statistic', request({ statistic: 'max' }), policy, context(), 'statistic_not_allowed'],
  ['a missing statistic', request({ statistic: undefined }), policy, context(), 'statistic_not_allowed'],
  ['a groupBy outside the policy', request({ groupBy: ['region'] }), policy, context(), 'group_by_not_allowed'],
  ['a groupBy twice', request({ groupBy: ['sex', 'sex'] }), policy, context(), 'group_by_not_allowed'],
  ['a groupBy that is not a list', request({ groupBy: 'sex' as never }), policy, context(), 'invalid_request'],
  [
    'a period starting before the policy',
    request({ from: '2023-12-31T00:00:00.000Z' }),
    policy,
    context(),
    'period_outside_policy',
  ],
  [
    'a period ending after the policy',
    request({ to: '2025-01-01T00:00:00.001Z' }),
    policy,
    context(),
    'period_outside_policy',
  ],
  [
    'an empty period',
    request({ from: '2024-03-01T00:00:00.000Z', to: '2024-03-01T00:00:00.000Z' }),
    policy,
    context(),
    'period_outside_policy',
  ],
  ['a malformed date', request({ from: '2024-03-01' }), policy, context(), 'invalid_request'],
  ['ε of zero', request({ epsilon: 0 }), policy, context(), 'invalid_epsilon'],
  ['a negative ε', request({ epsilon: -0.1 }), policy, context(), 'invalid_epsilon'],
  ['ε with too many decimals', request({ epsilon: 0.00000001 }), policy, context(), 'invalid_epsilon'],
  [
    'ε above what remains',
    request({ epsilon: 0.2 }),
    policy,
    context({ budgetRemainingMicro: 199_999 }),
    'budget_exhausted',
  ],
  ['an exhausted budget', request(), policy, context({ budgetRemainingMicro: 0 }), 'budget_exhausted'],
  ['a negative remainder', request(), policy, context({ budgetRemainingMicro: -5 }), 'budget_exhausted'],
  ['a remainder that is not an integer', request(), policy, context({ budgetRemainingMicro: 0.5 }), 'invalid_request'],
  ['an invalid clock', request(), policy, context({ now: Number.NaN }), 'invalid_request'],
  ['a null request', null as never, policy, context(), 'invalid_request'],
];

describe('decide', () => {
  it('allows a request inside the policy, with the ε to debit and the period covered', () => {
    expect(decide(request(), policy, context())).toEqual({
      decision: 'allow',
      reason: 'allowed',
      policyVersion: 1,
      epsilonMicro: 100_000,
      period: { from: policy.period.from, to: policy.period.to },
    });
  });

  it.each(denials)('denies %s', (_name, subject, subjectPolicy, subjectContext, reason) => {
    expect(decide(subject, subjectPolicy, subjectContext)).toEqual({ decision: 'deny', reason, policyVersion: 1 });
  });

  it('has a row for every deny reason', () => {
    expect(new Set(denials.map((row) => row[4]))).toEqual(new Set(denyReasons));
  });

  it('spends a tenth of the total budget when the query names no ε', () => {
    const decision = decide(request({ epsilon: undefined }), policy, context());
    expect(decision.decision === 'allow' && decision.epsilonMicro).toBe(100_000);
  });

  it('allows exactly the remaining budget', () => {
    const decision = decide(request({ epsilon: 0.25 }), policy, context({ budgetRemainingMicro: 250_000 }));
    expect(decision.decision).toBe('allow');
  });

  it('allows a narrower period and returns it', () => {
    const narrow = { from: '2024-03-01T00:00:00.000Z', to: '2024-04-01T00:00:00.000Z' };
    const decision = decide(request(narrow), policy, context());
    expect(decision.decision === 'allow' && decision.period).toEqual(narrow);
  });

  it('allows a pseudonymised export under a pseudonymised policy without spending ε', () => {
    const decision = decide(
      request({ level: 'pseudonymised', statistic: undefined }),
      pseudonymisedPolicy,
      context({ budgetRemainingMicro: 0 }),
    );
    expect(decision).toMatchObject({ decision: 'allow', epsilonMicro: 0 });
  });

  it('tells a stranger nothing about the state of a policy that is not theirs', () => {
    const stranger = request({ researcherId: 'researcher-2' });
    for (const policyStatus of ['active', 'expired', 'revoked', 'superseded'] as const) {
      expect(decide(stranger, policy, context({ policyStatus })).reason).toBe('not_grantee');
    }
  });

  it('never allows once the policy is not active, whatever else the request says (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('expired', 'revoked', 'superseded'),
        fc.record({
          category: fc.constantFrom('heart-rate', 'steps'),
          statistic: fc.constantFrom('count', 'mean', 'max'),
          epsilon: fc.double({ min: 0, max: 5, noNaN: true }),
        }),
        fc.integer({ min: -10, max: 10_000_000 }),
        (policyStatus, fields, budget) => {
          const decision = decide(request(fields), policy, context({ policyStatus, budgetRemainingMicro: budget }));
          expect(decision.decision).toBe('deny');
        },
      ),
    );
  });

  it('never allows more ε than remains (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3_000_000 }), fc.integer({ min: -5, max: 3_000_000 }), (cost, budget) => {
        const decision = decide(
          request({ epsilon: cost / 1_000_000 }),
          policy,
          context({ budgetRemainingMicro: budget }),
        );
        if (decision.decision === 'allow') {
          expect(decision.epsilonMicro).toBeLessThanOrEqual(budget);
          expect(decision.epsilonMicro).toBe(cost);
        } else {
          expect(cost > budget || cost < 2 || budget <= 0).toBe(true);
        }
      }),
    );
  });
});
