import { describe, expect, it } from 'vitest';
import {
  currentBylaws,
  foundingMembershipRules,
  membershipRulesOf,
  parseBylaws,
} from '../../../policies/assembly/bylaws.js';
import {
  admissionCheckRefusal,
  applicationRefusal,
  decisionRefusal,
  endingRefusal,
  holdsRightsAt,
  membershipRoleRefusal,
  resignationEffectiveAt,
  type MembershipStatus,
} from '../../../policies/members/membership.js';

const rules = membershipRulesOf(currentBylaws);
const now = new Date('2026-06-01T12:00:00.000Z');
const steps = (status: MembershipStatus, endsAt: Date | null = null) => ({ status, endsAt });

describe('membership rules', () => {
  it.each([
    ['none', null],
    ['refused', null],
    ['applicant', 'already_applied'],
    ['admitted', 'already_admitted'],
    ['resigned', 'membership_ended'],
    ['excluded', 'membership_ended'],
  ] as const)('an account holder whose membership is %s applies: %s', (status, code) => {
    expect(applicationRefusal(steps(status))?.code ?? null).toBe(code);
  });

  it.each([
    ['applicant', null],
    ['admitted', 'already_admitted'],
    ['none', 'not_an_applicant'],
    ['refused', 'not_an_applicant'],
    ['resigned', 'not_an_applicant'],
    ['excluded', 'not_an_applicant'],
  ] as const)('a steward decides on a membership that is %s: %s', (status, code) => {
    expect(decisionRefusal(steps(status))?.code ?? null).toBe(code);
  });

  it.each([
    ['member', null],
    ['researcher', 'not_an_account_holder'],
    ['steward', 'not_an_account_holder'],
  ])('an account with role %s holds membership: %s', (role, code) => {
    expect(membershipRoleRefusal(role)?.code ?? null).toBe(code);
  });

  it('admits only with an identity method and the share capital the bylaws name', () => {
    const ok = { identityMethod: rules.identityMethods[0]!, shareSubscribed: { ...rules.shareCapital } };
    expect(admissionCheckRefusal(ok, rules)).toBeNull();
    expect(admissionCheckRefusal({ ...ok, identityMethod: 'selfie' }, rules)?.code).toBe('identity_method_unknown');
    const less = { ...ok, shareSubscribed: { ...rules.shareCapital, amount: rules.shareCapital.amount - 1 } };
    expect(admissionCheckRefusal(less, rules)?.code).toBe('share_capital_mismatch');
    const currency = { ...ok, shareSubscribed: { ...rules.shareCapital, currency: 'EUR' } };
    expect(admissionCheckRefusal(currency, rules)?.code).toBe('share_capital_mismatch');
  });

  it('ends a membership once: only an admitted member not already leaving', () => {
    expect(endingRefusal(steps('admitted'))).toBeNull();
    expect(endingRefusal(steps('admitted', now))?.code).toBe('membership_ending');
    expect(endingRefusal(steps('resigned', now))?.code).toBe('membership_ending');
    expect(endingRefusal(steps('applicant'))?.code).toBe('not_a_member');
    expect(endingRefusal(steps('none'))?.code).toBe('not_a_member');
  });

  it("holds rights from admission until the end, the resignation's notice included", () => {
    const endsAt = resignationEffectiveAt(now, rules);
    expect(endsAt.getTime() - now.getTime()).toBe(rules.resignationNoticeDays * 86_400_000);
    expect(holdsRightsAt(steps('admitted'), now)).toBe(true);
    expect(holdsRightsAt(steps('resigned', endsAt), now)).toBe(true);
    expect(holdsRightsAt(steps('resigned', endsAt), endsAt)).toBe(false);
    expect(holdsRightsAt(steps('excluded', now), now)).toBe(false);
    for (const status of ['none', 'applicant', 'refused'] as const)
      expect(holdsRightsAt(steps(status), now)).toBe(false);
  });

  it('reads a membership section of the bylaws strictly; without one, the founding membership rules apply', () => {
    const founding = JSON.parse(JSON.stringify(currentBylaws)) as Record<string, unknown>;
    expect(founding.membership).toBeUndefined(); // version 1 is not rewritten: its digest is frozen in proposals
    expect(rules).toEqual(foundingMembershipRules);
    const amended = { ...rules, shareCapital: { amount: 250, currency: 'CHF' }, resignationNoticeDays: 90 };
    expect(membershipRulesOf(parseBylaws({ ...founding, version: 2, membership: amended }))).toEqual(amended);
    expect(() =>
      parseBylaws({ ...founding, membership: { ...rules, shareCapital: { amount: 0, currency: 'CHF' } } }),
    ).toThrow(/membership.shareCapital.amount/);
    expect(() => parseBylaws({ ...founding, membership: { ...rules, admittedBy: 'anyone' } })).toThrow(
      /membership.admittedBy/,
    );
  });
});
