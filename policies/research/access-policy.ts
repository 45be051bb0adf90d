// The access-policy language: what an approved study may ask, voted by the assembly and frozen in its
// proposal. `parseAccessPolicy` is the one gate a policy passes (request → proposal → approved policy);
// it has no dependencies, refuses unknown fields and lists every problem at once.
import { type Bylaws, currentBylaws } from '../assembly/bylaws.js';
import { findCategory } from '../observations/catalogue.js';
import { type DuoUse, validateDuoUse } from './duo.js';
import { type GroupByDimension, groupByDimensions } from './group-by.js';
import { isRecord } from '../shared/parse-helpers.js';

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

export interface PolicyProblem {
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

export type ParsedAccessPolicy =
  | { readonly ok: true; readonly policy: AccessPolicy }
  | { readonly ok: false; readonly problems: readonly PolicyProblem[] };

/** Micro-ε per ε: budgets are counted in integers of this unit so that repeated debits never drift. */
export const MICRO_PER_EPSILON = 1_000_000;

const MAX_ID = 128;
const MAX_PURPOSE = 4000;
const MAX_ETHICS = 200;
const KNOWN_FIELDS = [
  'id',
  'version',
  'grantee',
  'purpose',
  'duo',
  'ethicsApproval',
  'categories',
  'level',
  'statistics',
  'groupBy',
  'period',
  'validUntil',
  'epsilonBudget',
  'minCellSize',
  'deidentification',
];

// Validates an access policy given as parsed JSON against the bylaws in force; lists every problem.
// Missing `deidentification` fields get their defaults (dates to the month, no profile fields).
export function parseAccessPolicy(json: unknown, bylaws: Bylaws = currentBylaws): ParsedAccessPolicy {
  const problems: PolicyProblem[] = [];
  const problem = (field: string, code: string, message: string): void => {
    problems.push({ field, code, message });
  };
  if (!isRecord(json)) {
    return { ok: false, problems: [{ field: '', code: 'invalid_policy', message: 'a policy must be an object' }] };
  }
  for (const key of Object.keys(json)) {
    if (!KNOWN_FIELDS.includes(key)) problem(key, 'unknown_field', `${key} is not a known field`);
  }

  const id = readText(json.id, 'id', MAX_ID, problem);
  if (id !== undefined && !/^[A-Za-z0-9_-]+$/.test(id)) problem('id', 'invalid_id', 'id must be [A-Za-z0-9_-]');
  const version = json.version;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    problem('version', 'invalid_version', 'version must be an integer ≥ 1');
  }
  const grantee = readText(json.grantee, 'grantee', MAX_ID, problem);
  const purpose = readText(json.purpose, 'purpose', MAX_PURPOSE, problem);

  let duo: DuoUse | undefined;
  if (!isRecord(json.duo)) {
    problem('duo', 'missing_field', 'duo must be { permission, modifiers }');
  } else {
    for (const key of Object.keys(json.duo)) {
      if (!['permission', 'modifiers', 'disease'].includes(key)) {
        problem(`duo.${key}`, 'unknown_field', `duo.${key} is not a known field`);
      }
    }
    const duoProblems = validateDuoUse(json.duo.permission, json.duo.modifiers, json.duo.disease);
    problems.push(...duoProblems);
    if (duoProblems.length === 0) duo = json.duo as unknown as DuoUse;
  }

  let ethicsApproval: string | undefined;
  if (json.ethicsApproval !== undefined) {
    ethicsApproval = readText(json.ethicsApproval, 'ethicsApproval', MAX_ETHICS, problem);
  } else if (duo?.modifiers.includes('IRB')) {
    problem('ethicsApproval', 'missing_field', 'ethicsApproval is required with the IRB modifier');
  }

  const categories = readSet(json.categories, 'categories', (v) => findCategory(v) !== undefined, problem, {
    nonEmpty: true,
    what: 'a catalogue category code',
  });
  const level = readChoice(json.level, 'level', accessLevels, problem);
  const stats = readSet(json.statistics, 'statistics', (v) => isOneOf(v, statistics), problem, {
    nonEmpty: true,
    what: `one of ${statistics.join(', ')}`,
  }) as Statistic[] | undefined;
  const groupBy = readSet(json.groupBy, 'groupBy', (v) => isOneOf(v, groupByDimensions), problem, {
    nonEmpty: false,
    what: `one of ${groupByDimensions.join(', ')}`,
  }) as GroupByDimension[] | undefined;

  let period: Period | undefined;
  if (!isRecord(json.period)) {
    problem('period', 'missing_field', 'period must be { from, to }');
  } else {
    for (const key of Object.keys(json.period)) {
      if (key !== 'from' && key !== 'to') problem(`period.${key}`, 'unknown_field', `period.${key} is not known`);
    }
    const from = readInstant(json.period.from, 'period.from', problem);
    const to = readInstant(json.period.to, 'period.to', problem);
    if (from !== undefined && to !== undefined) {
      if (Date.parse(from) >= Date.parse(to)) problem('period', 'invalid_period', 'period.from must precede to');
      else period = { from, to };
    }
  }
  const validUntil = readInstant(json.validUntil, 'validUntil', problem);

  const epsilon = json.epsilonBudget;
  const maxEpsilon = bylaws.privacy.maxEpsilonPerPolicy;
  if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon <= 0) {
    problem('epsilonBudget', 'invalid_epsilon', 'epsilonBudget must be a positive number');
  } else if (epsilon > maxEpsilon) {
    problem('epsilonBudget', 'epsilon_above_bylaws', `epsilonBudget must not exceed ${maxEpsilon} (bylaws)`);
  } else if (toMicroEpsilon(epsilon) === undefined) {
    problem('epsilonBudget', 'invalid_epsilon', 'epsilonBudget must have at most six decimals');
  }

  const minCellSize = json.minCellSize;
  const floor = bylaws.privacy.minCellSize;
  if (typeof minCellSize !== 'number' || !Number.isSafeInteger(minCellSize)) {
    problem('minCellSize', 'invalid_min_cell_size', 'minCellSize must be an integer');
  } else if (minCellSize < floor) {
    problem('minCellSize', 'min_cell_size_below_bylaws', `minCellSize must be at least ${floor} (bylaws)`);
  }

  const deidentification = readDeidentification(json.deidentification, problem);

  if (
    problems.length > 0 ||
    id === undefined ||
    grantee === undefined ||
    purpose === undefined ||
    duo === undefined ||
    categories === undefined ||
    level === undefined ||
    stats === undefined ||
    groupBy === undefined ||
    period === undefined ||
    validUntil === undefined ||
    deidentification === undefined
  ) {
    return { ok: false, problems };
  }
  const policy: AccessPolicy = {
    id,
    version: version as number,
    grantee,
    purpose,
    duo: {
      permission: duo.permission,
      modifiers: [...duo.modifiers],
      ...(duo.disease === undefined ? {} : { disease: duo.disease }),
    },
    ...(ethicsApproval === undefined ? {} : { ethicsApproval }),
    categories,
    level,
    statistics: stats,
    groupBy,
    period,
    validUntil,
    epsilonBudget: epsilon as number,
    minCellSize: minCellSize as number,
    deidentification,
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

type Report = (field: string, code: string, message: string) => void;

function readText(value: unknown, field: string, max: number, problem: Report): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') {
    problem(field, value === undefined ? 'missing_field' : 'invalid_text', `${field} must be a non-empty string`);
    return undefined;
  }
  if (value.length > max) {
    problem(field, 'too_long', `${field} must be at most ${max} characters`);
    return undefined;
  }
  return value;
}

function isOneOf<T extends string>(value: string, allowed: readonly T[]): value is T {
  return (allowed as readonly string[]).includes(value);
}

function readChoice<T extends string>(
  value: unknown,
  field: string,
  allowed: readonly T[],
  problem: Report,
): T | undefined {
  if (typeof value === 'string' && isOneOf(value, allowed)) return value;
  problem(field, value === undefined ? 'missing_field' : 'invalid_choice', `${field} must be ${allowed.join(' or ')}`);
  return undefined;
}

function readSet(
  value: unknown,
  field: string,
  accept: (v: string) => boolean,
  problem: Report,
  options: { nonEmpty: boolean; what: string },
): string[] | undefined {
  if (!Array.isArray(value)) {
    problem(field, value === undefined ? 'missing_field' : 'invalid_list', `${field} must be an array`);
    return undefined;
  }
  if (options.nonEmpty && value.length === 0) {
    problem(field, 'empty_list', `${field} must not be empty`);
    return undefined;
  }
  const before = value.length;
  const seen = new Set<string>();
  let bad = false;
  value.forEach((item: unknown, i) => {
    if (typeof item !== 'string' || !accept(item)) {
      problem(`${field}[${i}]`, 'invalid_item', `${field}[${i}] must be ${options.what}`);
      bad = true;
    } else if (seen.has(item)) {
      problem(`${field}[${i}]`, 'duplicate_item', `${field}[${i}] ${item} is listed twice`);
      bad = true;
    } else {
      seen.add(item);
    }
  });
  return bad || seen.size !== before ? undefined : [...seen];
}

function readInstant(value: unknown, field: string, problem: Report): string | undefined {
  // Only the exact toISOString form: a date without a zone would be read in local time.
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value)) || new Date(value).toISOString() !== value) {
    problem(
      field,
      value === undefined ? 'missing_field' : 'invalid_instant',
      `${field} must be an ISO 8601 UTC instant like 2025-01-01T00:00:00.000Z`,
    );
    return undefined;
  }
  return value;
}

function readDeidentification(value: unknown, problem: Report): Deidentification | undefined {
  if (value === undefined) return { dateTruncation: 'month', profileFields: [] };
  if (!isRecord(value)) {
    problem('deidentification', 'invalid_deidentification', 'deidentification must be an object');
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (key !== 'dateTruncation' && key !== 'profileFields') {
      problem(`deidentification.${key}`, 'unknown_field', `deidentification.${key} is not a known field`);
    }
  }
  const dateTruncation =
    value.dateTruncation === undefined
      ? 'month'
      : readChoice(value.dateTruncation, 'deidentification.dateTruncation', dateTruncations, problem);
  const profileFields =
    value.profileFields === undefined
      ? []
      : (readSet(value.profileFields, 'deidentification.profileFields', (v) => isOneOf(v, groupByDimensions), problem, {
          nonEmpty: false,
          what: `one of ${groupByDimensions.join(', ')}`,
        }) as GroupByDimension[] | undefined);
  if (dateTruncation === undefined || profileFields === undefined) return undefined;
  return { dateTruncation, profileFields };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
