// The member's key (spec §4): standing consent per category, conditions in DUO terms, per-study opt-outs,
// kept as a versioned history. The engine always reads the version in force at the instant of the request.
import type { AccessLevel, AccessPolicy } from './access-policy.js';
import { findCategory } from '../observations/catalogue.js';
import { isNonCommercialUse, isNotForProfitUse, mayIncludeAncestryResearch } from './duo.js';
import { type Instant, toEpochMs } from '../shared/instant.js';
import { isRecord } from '../shared/parse-helpers.js';

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

export type InclusionReason =
  | 'included'
  | 'category_not_in_policy'
  | 'no_consent'
  | 'level_not_consented'
  | 'policy_level_insufficient'
  | 'opted_out'
  | 'condition_non_commercial'
  | 'condition_not_for_profit'
  | 'condition_no_ancestry_research'
  | 'condition_ethics_approval';

export interface Inclusion {
  readonly included: boolean;
  readonly reason: InclusionReason;
}

export interface ConsentProblem {
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

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

const CONDITION_KEYS = Object.keys(DEFAULT_CONSENT.conditions) as (keyof ConsentConditions)[];
const MAX_OPT_OUTS = 1000;

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

// Validates a consent sent by a member (PUT /api/me/consent body); lists every problem. Missing conditions
// default to false and missing opt-outs to none, so a member can send only the categories they change.
export function parseConsent(json: unknown): ParsedConsent {
  const problems: ConsentProblem[] = [];
  const problem = (field: string, code: string, message: string): void => {
    problems.push({ field, code, message });
  };
  if (!isRecord(json)) return { ok: false, problems: [{ field: '', code: 'invalid_consent', message: 'object' }] };
  for (const key of Object.keys(json)) {
    if (!['categories', 'conditions', 'optedOutPolicies'].includes(key)) {
      problem(key, 'unknown_field', `${key} is not a known field`);
    }
  }
  const categories: Record<string, ConsentLevel> = {};
  if (json.categories !== undefined && !isRecord(json.categories)) {
    problem('categories', 'invalid_categories', 'categories must map category codes to a level');
  } else if (json.categories !== undefined) {
    for (const [code, level] of Object.entries(json.categories)) {
      if (!findCategory(code)) problem(`categories.${code}`, 'unknown_category', `${code} is not in the catalogue`);
      else if (typeof level !== 'string' || !(consentLevels as readonly string[]).includes(level)) {
        problem(`categories.${code}`, 'invalid_level', `level must be ${consentLevels.join(', ')}`);
      } else if (level !== 'none') categories[code] = level as ConsentLevel;
    }
  }
  const conditions: Record<string, boolean> = { ...DEFAULT_CONSENT.conditions };
  if (json.conditions !== undefined && !isRecord(json.conditions)) {
    problem('conditions', 'invalid_conditions', 'conditions must be an object of booleans');
  } else if (json.conditions !== undefined) {
    for (const [key, value] of Object.entries(json.conditions)) {
      if (!(CONDITION_KEYS as string[]).includes(key)) problem(`conditions.${key}`, 'unknown_field', 'unknown');
      else if (typeof value !== 'boolean') problem(`conditions.${key}`, 'invalid_condition', 'must be a boolean');
      else conditions[key] = value;
    }
  }
  const optedOut = new Set<string>();
  if (json.optedOutPolicies !== undefined) {
    if (!Array.isArray(json.optedOutPolicies) || json.optedOutPolicies.length > MAX_OPT_OUTS) {
      problem('optedOutPolicies', 'invalid_opt_outs', `optedOutPolicies must be an array of ≤ ${MAX_OPT_OUTS} ids`);
    } else {
      json.optedOutPolicies.forEach((id: unknown, i) => {
        if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(id)) {
          problem(`optedOutPolicies[${i}]`, 'invalid_policy_id', 'must be a policy id');
        } else optedOut.add(id);
      });
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    consent: Object.freeze({
      categories: Object.freeze(categories),
      conditions: Object.freeze(conditions as unknown as ConsentConditions),
      optedOutPolicies: Object.freeze([...optedOut].sort()),
    }),
  };
}
