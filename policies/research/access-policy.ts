// The access-policy language: what an approved study may ask, voted by the assembly and frozen in its
// proposal. `accessPolicySchema` states every field's rule (the HTTP edge and the OpenAPI document use it) and
// `parseAccessPolicy` adds the bylaws in force; it refuses unknown fields and lists every problem at once.
import { z } from 'zod';
import { type Bylaws, currentBylaws } from '../assembly/bylaws.js';
import { listCategories } from '../observations/catalogue.js';
import { MICRO_PER_EPSILON } from './micro-epsilon.js';
import { type DuoUse, duoProblemCodes, duoUseSchema } from './duo.js';
import { type GroupByDimension, groupByDimensions } from './group-by.js';
import { isRecord } from '../shared/parse-helpers.js';
import { checkWith, issue, type Problem, type ProblemCodes, withProblemCodes } from '../shared/problem.js';
import { canonicalInstantSchema, setOf } from '../shared/schemas.js';

export const accessLevels = ['aggregate', 'pseudonymised'] as const;
/** `pseudonymised` (record-level export under per-study pseudonyms) also allows aggregate queries. */
export type AccessLevel = (typeof accessLevels)[number];

export const statistics = ['count', 'mean', 'quantiles', 'histogram'] as const;
export type Statistic = (typeof statistics)[number];

export const dateTruncations = ['day', 'month', 'year'] as const;
/** How precisely dates leave in a pseudonymised export; `month` unless the policy says otherwise. */
export type DateTruncation = (typeof dateTruncations)[number];

export interface Deidentification {
  readonly dateTruncation: DateTruncation;
  /** Profile dimensions added to each exported record (as groups, never the birth year itself). */
  readonly profileFields: readonly GroupByDimension[];
}

/** A half-open interval [from, to) of ISO 8601 UTC instants. */
export interface Period {
  readonly from: string;
  readonly to: string;
}

export interface AccessPolicy {
  readonly id: string;
  readonly version: number;
  /** The researcher's account id. */
  readonly grantee: string;
  readonly purpose: string;
  readonly duo: DuoUse;
  /** Ethics approval reference; required when the DUO modifiers include IRB. */
  readonly ethicsApproval?: string;
  /** Catalogue codes. */
  readonly categories: readonly string[];
  readonly level: AccessLevel;
  readonly statistics: readonly Statistic[];
  readonly groupBy: readonly GroupByDimension[];
  /** Observations whose effectiveAt is in [from, to) may be used. */
  readonly period: Period;
  /** First instant at which the policy allows nothing any more. */
  readonly validUntil: string;
  /** Total ε for the life of the policy; a whole number of micro-ε (at most six decimals). */
  readonly epsilonBudget: number;
  readonly minCellSize: number;
  readonly deidentification: Deidentification;
}

/** A problem with an access policy; the same shape as every other rule's problem. */
export type PolicyProblem = Problem;

export type ParsedAccessPolicy =
  | { readonly ok: true; readonly policy: AccessPolicy }
  | { readonly ok: false; readonly problems: readonly PolicyProblem[] };

/** Micro-ε per ε (policies/research/micro-epsilon.ts). */
export { MICRO_PER_EPSILON };

const MAX_ID = 128;
const MAX_PURPOSE = 4000;
const MAX_ETHICS = 200;

/** Policy ids (and so the opt-outs that name them): letters, digits, `_` and `-`, 1–128 characters. */
export const policyIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/);

/** Non-blank text of at most `max` characters. */
const textOf = (max: number) => z.string().max(max).regex(/\S/, 'Must not be blank.');

/** A catalogue category code. */
export const categoryCodeSchema = z.enum(listCategories().map((c) => c.code) as [string, ...string[]]);
export const statisticSchema = z.enum(statistics);
export const groupByDimensionSchema = z.enum(groupByDimensions);

/** ε for the life of a policy: positive, a whole number of micro-ε (the bylaws' cap is checked apart). */
export const epsilonBudgetSchema = z
  .number()
  .positive()
  .refine((epsilon) => toMicroEpsilon(epsilon) !== undefined, 'Use at most six decimals.');

const periodSchema = z
  .strictObject({ from: canonicalInstantSchema, to: canonicalInstantSchema })
  .refine((period) => Date.parse(period.from) < Date.parse(period.to), {
    message: 'period.from must precede to',
    params: { code: 'invalid_period' },
    when: (payload) => payload.issues.length === 0,
  })
  .describe('Half-open [from, to) of ISO 8601 UTC instants');

/** How records leave a pseudonymised export; both fields have defaults. */
export const deidentificationSchema = z.strictObject({
  dateTruncation: z.enum(dateTruncations).default('month'),
  profileFields: setOf(groupByDimensionSchema, {
    max: groupByDimensions.length,
    duplicateCode: 'duplicate_item',
  }).default([]),
});

/** The fields of an access policy, each with its own rule (the request body reuses them). */
export const accessPolicyFields = {
  id: policyIdSchema,
  version: z.number().int().min(1),
  grantee: textOf(MAX_ID),
  purpose: textOf(MAX_PURPOSE),
  duo: duoUseSchema(),
  ethicsApproval: textOf(MAX_ETHICS).optional(),
  categories: setOf(categoryCodeSchema, {
    max: categoryCodeSchema.options.length,
    duplicateCode: 'duplicate_item',
  }).min(1),
  level: z.enum(accessLevels),
  statistics: setOf(statisticSchema, { max: statistics.length, duplicateCode: 'duplicate_item' }).min(1),
  groupBy: setOf(groupByDimensionSchema, { max: groupByDimensions.length, duplicateCode: 'duplicate_item' }),
  period: periodSchema,
  validUntil: canonicalInstantSchema,
  epsilonBudget: epsilonBudgetSchema,
  minCellSize: z.number().int().min(1),
  deidentification: deidentificationSchema.default({ dateTruncation: 'month', profileFields: [] }),
};

/** The stable codes of an access policy's problems (what `parseAccessPolicy` has always answered). */
export const accessPolicyProblemCodes: ProblemCodes = {
  '': 'invalid_policy',
  id: 'invalid_id',
  'version:missing': 'invalid_version',
  version: 'invalid_version',
  grantee: 'invalid_text',
  purpose: 'invalid_text',
  'purpose:too_big': 'too_long',
  'grantee:too_big': 'too_long',
  'ethicsApproval:too_big': 'too_long',
  ethicsApproval: 'invalid_text',
  ...duoProblemCodes('duo'),
  categories: 'invalid_list',
  'categories:too_small': 'empty_list',
  'categories[]': 'invalid_item',
  level: 'invalid_choice',
  statistics: 'invalid_list',
  'statistics:too_small': 'empty_list',
  'statistics[]': 'invalid_item',
  groupBy: 'invalid_list',
  'groupBy[]': 'invalid_item',
  'period.from': 'invalid_instant',
  'period.to': 'invalid_instant',
  validUntil: 'invalid_instant',
  'epsilonBudget:missing': 'invalid_epsilon',
  epsilonBudget: 'invalid_epsilon',
  'minCellSize:missing': 'invalid_min_cell_size',
  minCellSize: 'invalid_min_cell_size',
  deidentification: 'invalid_deidentification',
  'deidentification.dateTruncation': 'invalid_choice',
  'deidentification.profileFields': 'invalid_list',
  'deidentification.profileFields[]': 'invalid_item',
};

/** An access policy's shape: every field's rule and IRB → ethicsApproval. The bylaws' caps are `bylawsProblems`. */
export const accessPolicySchema = withProblemCodes(
  z.strictObject(accessPolicyFields).superRefine((policy, ctx) => {
    if (policy.duo.modifiers.includes('IRB') && policy.ethicsApproval === undefined) {
      ctx.addIssue(issue(['ethicsApproval'], 'missing_field', 'ethicsApproval is required with the IRB modifier'));
    }
  }),
  accessPolicyProblemCodes,
);

/**
 * What the bylaws in force add to a policy's shape: ε at most `maxEpsilonPerPolicy`, `minCellSize` at least the
 * bylaws' floor. Reads only numbers, so it also runs on a policy whose other fields are still wrong.
 */
export function bylawsProblems(
  policy: { readonly epsilonBudget?: unknown; readonly minCellSize?: unknown },
  bylaws: Bylaws,
): Problem[] {
  const problems: Problem[] = [];
  const { maxEpsilonPerPolicy, minCellSize: floor } = bylaws.privacy;
  if (typeof policy.epsilonBudget === 'number' && policy.epsilonBudget > maxEpsilonPerPolicy) {
    problems.push({
      field: 'epsilonBudget',
      code: 'epsilon_above_bylaws',
      message: `epsilonBudget must not exceed ${maxEpsilonPerPolicy} (bylaws)`,
    });
  }
  if (
    typeof policy.minCellSize === 'number' &&
    Number.isSafeInteger(policy.minCellSize) &&
    policy.minCellSize < floor
  ) {
    problems.push({
      field: 'minCellSize',
      code: 'min_cell_size_below_bylaws',
      message: `minCellSize must be at least ${floor} (bylaws)`,
    });
  }
  return problems;
}

// Validates an access policy given as parsed JSON against the bylaws in force; lists every problem.
// Missing `deidentification` fields get their defaults (dates to the month, no profile fields).
export function parseAccessPolicy(json: unknown, bylaws: Bylaws = currentBylaws): ParsedAccessPolicy {
  const checked = checkWith(accessPolicySchema, json);
  const underBylaws = isRecord(json) ? bylawsProblems(json, bylaws) : [];
  // A cap the bylaws break replaces the shape's own complaint about the same field (one problem per field).
  const capped = new Set(underBylaws.map((p) => p.field));
  const problems = [...(checked.ok ? [] : checked.problems.filter((p) => !capped.has(p.field))), ...underBylaws];
  if (!checked.ok || problems.length > 0) return { ok: false, problems };
  const { ethicsApproval, duo, ...rest } = checked.value;
  const policy: AccessPolicy = {
    ...rest,
    duo: {
      permission: duo.permission,
      modifiers: [...duo.modifiers],
      ...(duo.disease === undefined ? {} : { disease: duo.disease }),
    },
    ...(ethicsApproval === undefined ? {} : { ethicsApproval }),
  };
  return { ok: true, policy: deepFreeze(policy) };
}

// ε as an integer count of micro-ε, or undefined when it is not a positive whole number of micro-ε.
export function toMicroEpsilon(epsilon: number): number | undefined {
  if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon <= 0) return undefined;
  const micro = Math.round(epsilon * MICRO_PER_EPSILON);
  // A relative tolerance absorbs binary representation error (0.1 × 10⁶ = 100000.00000000001).
  if (!Number.isSafeInteger(micro) || Math.abs(micro - epsilon * MICRO_PER_EPSILON) > 1e-6 * Math.max(1, micro)) {
    return undefined;
  }
  return micro;
}

// The policy's total budget in micro-ε (the unit the service stores and debits).
export function policyBudgetMicro(policy: AccessPolicy): number {
  return toMicroEpsilon(policy.epsilonBudget) ?? 0;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
