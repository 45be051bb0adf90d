// The member's key (spec §4): standing consent per category, conditions in DUO terms, per-study opt-outs,
// kept as a versioned history. The engine always reads the version in force at the instant of the request.
import { z } from 'zod';
import { type AccessLevel, type AccessPolicy, categoryCodeSchema, policyIdSchema } from './access-policy.js';
import { isNonCommercialUse, isNotForProfitUse, mayIncludeAncestryResearch } from './duo.js';
import { type Instant, toEpochMs } from '../shared/instant.js';
import { checkWith, type Problem, withProblemCodes } from '../shared/problem.js';

export const consentLevels = ['none', 'aggregate', 'pseudonymised'] as const;
/** `none` is the default for every category; `pseudonymised` implies `aggregate`. */
export type ConsentLevel = (typeof consentLevels)[number];

/** Conditions a study's DUO terms must meet before the member's data may be used in it at all. */
export interface ConsentConditions {
  /** Only studies whose use is non-commercial (DUO NCU or NPUNCU). */
  readonly nonCommercialOnly: boolean;
  /** Only studies by not-for-profit organisations (DUO NPU or NPUNCU). */
  readonly notForProfitOnly: boolean;
  /** Never population origins or ancestry research: POA is excluded, GRU and NRES need NPOA. */
  readonly noAncestryResearch: boolean;
  /** Only studies with documented ethics approval (DUO IRB). */
  readonly ethicsApprovalRequired: boolean;
}

export interface Consent {
  /** Level per catalogue category; a category not listed is `none`. */
  readonly categories: Readonly<Record<string, ConsentLevel>>;
  readonly conditions: ConsentConditions;
  /** Policy ids the member left ("leave this study"); applies to every version of that policy. */
  readonly optedOutPolicies: readonly string[];
}

/** One stored change: the whole consent as it stands from `recordedAt` on. */
export interface ConsentVersion {
  readonly version: number;
  readonly recordedAt: Instant;
  readonly consent: Consent;
}

/** Every version a member ever recorded, in any order (the service appends). */
export type ConsentHistory = readonly ConsentVersion[];

/** Why a member's data is (or is not) used under a policy: the first rule of `consentAllows` that fails. */
export const inclusionReasons = [
  'included',
  'category_not_in_policy',
  'no_consent',
  'level_not_consented',
  'policy_level_insufficient',
  'opted_out',
  'condition_non_commercial',
  'condition_not_for_profit',
  'condition_no_ancestry_research',
  'condition_ethics_approval',
] as const;
export type InclusionReason = (typeof inclusionReasons)[number];

export interface Inclusion {
  readonly included: boolean;
  readonly reason: InclusionReason;
}

/** A problem with a consent; the same shape as every other rule's problem. */
export type ConsentProblem = Problem;

export type ParsedConsent =
  | { readonly ok: true; readonly consent: Consent }
  | { readonly ok: false; readonly problems: readonly ConsentProblem[] };

/** What a new member has: nothing shared, no conditions, no opt-outs. */
export const DEFAULT_CONSENT: Consent = Object.freeze({
  categories: Object.freeze({}),
  conditions: Object.freeze({
    nonCommercialOnly: false,
    notForProfitOnly: false,
    noAncestryResearch: false,
    ethicsApprovalRequired: false,
  }),
  optedOutPolicies: Object.freeze([]),
});

// The consent in force at `at`: the latest version recorded at or before `at` (half-open: a change made at
// t governs t itself). Ties on the instant go to the higher version number. Before any version: the default.
export function consentInForce(history: ConsentHistory, at: Instant): Consent {
  const atMs = toEpochMs(at, 'at');
  let best: ConsentVersion | undefined;
  let bestMs = -Infinity;
  for (const entry of history) {
    const ms = toEpochMs(entry.recordedAt, 'recordedAt');
    if (ms > atMs) continue;
    if (ms > bestMs || (ms === bestMs && best !== undefined && entry.version > best.version)) {
      best = entry;
      bestMs = ms;
    }
  }
  return best?.consent ?? DEFAULT_CONSENT;
}

// The consent level of a category; anything but a known level reads as `none` (deny by default).
export function levelFor(consent: Consent, category: string): ConsentLevel {
  const level = Object.hasOwn(consent.categories, category) ? consent.categories[category] : undefined;
  return level === 'aggregate' || level === 'pseudonymised' ? level : 'none';
}

// Whether this one consent (already chosen for the instant) lets the member's `category` data be used under
// `policy` for `use` (aggregate queries, or a pseudonymised export). The first failing rule is the reason.
export function consentAllows(
  consent: Consent,
  policy: AccessPolicy,
  category: string,
  use: AccessLevel = policy.level,
): Inclusion {
  const no = (reason: InclusionReason): Inclusion => ({ included: false, reason });
  if (!policy.categories.includes(category)) return no('category_not_in_policy');
  const level = levelFor(consent, category);
  if (level === 'none') return no('no_consent');
  if (use === 'pseudonymised' && policy.level !== 'pseudonymised') return no('policy_level_insufficient');
  if (use !== 'aggregate' && use !== 'pseudonymised') return no('policy_level_insufficient');
  if (use === 'pseudonymised' && level !== 'pseudonymised') return no('level_not_consented');
  if (consent.optedOutPolicies.includes(policy.id)) return no('opted_out');
  const { conditions } = consent;
  if (conditions.nonCommercialOnly && !isNonCommercialUse(policy.duo)) return no('condition_non_commercial');
  if (conditions.notForProfitOnly && !isNotForProfitUse(policy.duo)) return no('condition_not_for_profit');
  if (conditions.noAncestryResearch && mayIncludeAncestryResearch(policy.duo)) {
    return no('condition_no_ancestry_research');
  }
  if (conditions.ethicsApprovalRequired && !policy.duo.modifiers.includes('IRB')) {
    return no('condition_ethics_approval');
  }
  return { included: true, reason: 'included' };
}

// Whether a member's data in `category` may be used under `policy` at `now`, by the consent then in force.
// `use` is what the request does: `aggregate` for queries, `pseudonymised` for an export.
export function memberIncluded(
  history: ConsentHistory,
  policy: AccessPolicy,
  category: string,
  now: Instant,
  use: AccessLevel = policy.level,
): Inclusion {
  return consentAllows(consentInForce(history, now), policy, category, use);
}

const MAX_OPT_OUTS = 1000;

/**
 * A consent as a member sends it (PUT /api/me/consent): level per catalogue category, DUO conditions, studies
 * left. Missing conditions default to false and missing opt-outs to none; a category not listed is `none`.
 */
export const consentSchema = withProblemCodes(
  z.strictObject({
    categories: z.partialRecord(categoryCodeSchema, z.enum(consentLevels)).default({}),
    conditions: z
      .strictObject({
        nonCommercialOnly: z.boolean().default(false),
        notForProfitOnly: z.boolean().default(false),
        noAncestryResearch: z.boolean().default(false),
        ethicsApprovalRequired: z.boolean().default(false),
      })
      .default({ ...DEFAULT_CONSENT.conditions }),
    optedOutPolicies: z.array(policyIdSchema).max(MAX_OPT_OUTS).default([]),
  }),
  {
    '': 'invalid_consent',
    categories: 'invalid_categories',
    'categories:unrecognized_keys': 'unknown_category',
    'categories.*': 'invalid_level',
    conditions: 'invalid_conditions',
    'conditions.*': 'invalid_condition',
    optedOutPolicies: 'invalid_opt_outs',
    'optedOutPolicies[]': 'invalid_policy_id',
  },
);

// Validates a consent sent by a member (PUT /api/me/consent body) with `consentSchema`; lists every problem.
export function parseConsent(json: unknown): ParsedConsent {
  const checked = checkWith(consentSchema, json);
  if (!checked.ok) return checked;
  return { ok: true, consent: toConsent(checked.value) };
}

/** The consent to store from a checked body: `none` levels dropped, opt-outs once each and sorted, frozen. */
export function toConsent(body: z.output<typeof consentSchema>): Consent {
  const categories = Object.fromEntries(Object.entries(body.categories).filter(([, level]) => level !== 'none'));
  return Object.freeze({
    categories: Object.freeze(categories as Record<string, ConsentLevel>),
    conditions: Object.freeze({ ...body.conditions }),
    optedOutPolicies: Object.freeze([...new Set(body.optedOutPolicies)].sort()),
  });
}
