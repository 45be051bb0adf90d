// Membership of the cooperative: an account holder applies, a steward admits (after the checks the bylaws name) or
// refuses with a reason; membership ends by resignation (with the bylaws' notice), exclusion or erasure. Pure: the
// clock is passed in, and every refusal is a stable code the service maps to a status.
import { z } from 'zod';

/** Where an account holder stands: never applied (`none`), or the last step of their membership. */
export const membershipStatuses = ['none', 'applicant', 'admitted', 'refused', 'resigned', 'excluded'] as const;
export type MembershipStatus = (typeof membershipStatuses)[number];

/** The bylaws' `membership` section: what admission requires and how membership ends. */
export interface MembershipRules {
  /** The share capital each member subscribes (Art. 853 CO), in whole units of the currency. */
  readonly shareCapital: { readonly amount: number; readonly currency: string };
  /** Who admits: the administration (stewards), on a written application (Art. 840 CO). */
  readonly admittedBy: 'steward';
  /** How a steward may confirm identity; the method is recorded, never a document. */
  readonly identityMethods: readonly string[];
  /** Days between a resignation and the end of the member's rights. */
  readonly resignationNoticeDays: number;
}

const error = (message: string) => ({ error: message });

/** The `membership` section's schema (strict: a misspelt rule is refused, not ignored). */
export const membershipRulesSchema = z.strictObject(
  {
    shareCapital: z.strictObject(
      {
        amount: z.number(error('must be a positive integer')).int(error('must be a positive integer')).positive(),
        currency: z.string(error('must be an ISO 4217 code')).regex(/^[A-Z]{3}$/, error('must be an ISO 4217 code')),
      },
      error('must be an object'),
    ),
    admittedBy: z.enum(['steward'], error('must be steward')),
    identityMethods: z
      .array(z.string().regex(/^[a-z][a-z-]{1,39}$/, error('must be a lower-case name like in-person')))
      .min(1, error('must name at least one method')),
    resignationNoticeDays: z.number().int(error('must be an integer ≥ 0')).min(0, error('must be an integer ≥ 0')),
  },
  error('must be an object'),
);

/** What a steward confirms when admitting: how identity was checked, and the share capital subscribed. */
export const admissionSchema = z.strictObject({
  identityMethod: z
    .string()
    .regex(/^[a-z][a-z-]{1,39}$/)
    .describe("How identity was confirmed, one of the bylaws' membership.identityMethods (no document is stored)"),
  shareSubscribed: z
    .strictObject({ amount: z.number().int().positive(), currency: z.string().regex(/^[A-Z]{3}$/) })
    .describe("The share capital the applicant subscribed; must equal the bylaws' membership.shareCapital"),
});
export type Admission = z.infer<typeof admissionSchema>;

/** A steward's reason for refusing an application or excluding a member: plain text, shown to the person. */
export const decisionReasonSchema = z.strictObject({
  reason: z.string().trim().min(3).max(500).describe('Why; shown to the person concerned, never in the audit log'),
});

/** A resignation is a declaration: the member confirms it explicitly (an empty request resigns no one). */
export const resignationSchema = z.strictObject({
  confirm: z.literal(true).describe("true: I resign; my voting rights end after the bylaws' notice"),
});

/** The part of a membership the rules decide on. */
export interface MembershipSteps {
  readonly status: MembershipStatus;
  /** When the member's rights end (resignation after notice, exclusion at once), if they do. */
  readonly endsAt?: Date | null;
}

/** Why an action on a membership is refused: a stable code and the HTTP-neutral kind of refusal. */
export interface MembershipRefusal {
  readonly code: string;
  readonly message: string;
  readonly kind: 'conflict' | 'invalid';
}

const refusal = (code: string, message: string, kind: MembershipRefusal['kind'] = 'conflict'): MembershipRefusal => ({
  code,
  message,
  kind,
});

/** Whether an account with this role may hold a membership: only account holders (role `member`) can. */
export function membershipRoleRefusal(role: string): MembershipRefusal | null {
  return role === 'member'
    ? null
    : refusal('not_an_account_holder', 'Only account holders can apply for or hold membership.');
}

/** Whether the account holder may apply now: once, again only after a refusal. */
export function applicationRefusal(steps: MembershipSteps): MembershipRefusal | null {
  switch (steps.status) {
    case 'none':
    case 'refused':
      return null;
    case 'applicant':
      return refusal('already_applied', 'The application is already waiting for a steward.');
    case 'admitted':
      return refusal('already_admitted', 'This account holder is already a member.');
    case 'resigned':
    case 'excluded':
      return refusal('membership_ended', 'This membership has ended; a new one needs a new account.');
  }
}

/** Whether a steward may admit or refuse now: only a waiting application. */
export function decisionRefusal(steps: MembershipSteps): MembershipRefusal | null {
  if (steps.status === 'applicant') return null;
  if (steps.status === 'admitted') return refusal('already_admitted', 'This account holder is already a member.');
  return refusal('not_an_applicant', 'There is no application waiting for a decision.');
}

/** Whether the admission's checks meet the bylaws: a known identity method and exactly the share capital. */
export function admissionCheckRefusal(admission: Admission, rules: MembershipRules): MembershipRefusal | null {
  if (!rules.identityMethods.includes(admission.identityMethod)) {
    return refusal(
      'identity_method_unknown',
      `identityMethod must be one of ${rules.identityMethods.join(', ')}.`,
      'invalid',
    );
  }
  const { amount, currency } = rules.shareCapital;
  if (admission.shareSubscribed.amount !== amount || admission.shareSubscribed.currency !== currency) {
    return refusal('share_capital_mismatch', `The bylaws require a share capital of ${amount} ${currency}.`, 'invalid');
  }
  return null;
}

/** Whether a membership can end now (resignation or exclusion): only an admitted one not already ending. */
export function endingRefusal(steps: MembershipSteps): MembershipRefusal | null {
  if (steps.status === 'admitted' && !steps.endsAt) return null;
  if (steps.status === 'admitted' || steps.status === 'resigned' || steps.status === 'excluded') {
    return refusal('membership_ending', 'This membership has already ended or is ending.');
  }
  return refusal('not_a_member', 'Only an admitted member can resign or be excluded.');
}

/** The instant a resignation given at `now` takes effect: after the bylaws' notice. */
export function resignationEffectiveAt(now: Date, rules: MembershipRules): Date {
  return new Date(now.getTime() + rules.resignationNoticeDays * 86_400_000);
}

/** Whether the member holds voting rights at `now`: admitted, and the end (if any) not yet reached. */
export function holdsRightsAt(steps: MembershipSteps, now: Date): boolean {
  const ended = steps.endsAt ? steps.endsAt.getTime() <= now.getTime() : false;
  return (steps.status === 'admitted' || steps.status === 'resigned' || steps.status === 'excluded') && !ended;
}
