// The catalogue of observation categories: what a member may store, in which unit, within which range.
// The data lives in catalogue.json (the cooperative's law, readable without code); this module checks it
// once at load and gives typed, read-only access to it. See README-catalogue.md for the unit representation.
import catalogueJson from './catalogue.json' with { type: 'json' };
import { z } from 'zod';
import { checkWith, issue } from '../shared/problem.js';

/** Inclusive bounds, in the category's canonical unit. */
export interface PlausibleRange {
  readonly min: number;
  readonly max: number;
}

/** An exact fraction [numerator, denominator] of two integers. */
export type Rational = readonly [numerator: number, denominator: number];

/** canonical = value × multiply + add, both exact fractions. */
export interface UnitConversion {
  readonly unit: string;
  readonly multiply: Rational;
  readonly add: Rational;
}

export interface CategoryComponent {
  readonly name: string;
  readonly label: string;
  readonly loinc: string;
  readonly loincDisplay: string;
  readonly plausibleRange: PlausibleRange;
}

export const FHIR_OBSERVATION_CATEGORIES = ['vital-signs', 'activity', 'laboratory'] as const;
export type FhirObservationCategory = (typeof FHIR_OBSERVATION_CATEGORIES)[number];

export interface Category {
  readonly code: string;
  readonly label: string;
  readonly loinc: string;
  readonly loincDisplay: string;
  /** Other LOINC codes accepted on upload for the same measurement; export always uses `loinc`. */
  readonly loincAliases: readonly string[];
  readonly fhirCategory: FhirObservationCategory;
  /** Canonical UCUM unit: every stored value is in this unit. */
  readonly unit: string;
  readonly acceptedUnits: readonly UnitConversion[];
  /** Named parts (blood pressure: systolic, diastolic); empty for a category with a single value. */
  readonly components: readonly CategoryComponent[];
  readonly plausibleRange: PlausibleRange;
  /** Decimals shown to people; storage keeps more (see roundStored). */
  readonly decimals: number;
}

export type ConversionResult =
  | { readonly ok: true; readonly value: number }
  | { readonly ok: false; readonly code: 'unit_not_accepted'; readonly message: string };

/** Significant digits kept in storage: drops binary floating-point noise, keeps every exact conversion. */
export const STORED_SIGNIFICANT_DIGITS = 12;

const text = z.string({ error: 'must be a non-empty string' }).regex(/\S/, 'must be a non-empty string');
const loincSchema = text.refine((code) => isValidLoincCode(code), 'is not a valid LOINC code (check digit)');
const rationalError = 'must be [numerator, denominator] of safe integers, denominator > 0';
const rationalSchema = z.tuple(
  [z.int({ error: rationalError }), z.int({ error: rationalError }).positive(rationalError)],
  {
    error: rationalError,
  },
);
const rangeError = 'must be { min, max } with finite numbers and min < max';
const rangeSchema = z
  .object({ min: z.number({ error: rangeError }), max: z.number({ error: rangeError }) }, { error: rangeError })
  .refine((range) => range.max > range.min, rangeError);

const conversionSchema = z.strictObject({
  unit: text,
  multiply: rationalSchema.default([1, 1]).refine((m) => m[0] !== 0, 'must not be zero'),
  add: rationalSchema.default([0, 1]),
});

const componentSchema = z.strictObject({
  name: text.regex(/^[a-z][a-zA-Z0-9]*$/, 'must be camelCase'),
  label: text,
  loinc: loincSchema,
  loincDisplay: text,
  plausibleRange: rangeSchema,
});

const categorySchema = z
  .strictObject({
    code: text.regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'must be kebab-case'),
    label: text,
    loinc: loincSchema,
    loincDisplay: text,
    loincAliases: z.array(loincSchema).default([]),
    fhirCategory: z.enum(FHIR_OBSERVATION_CATEGORIES, {
      error: `must be one of ${FHIR_OBSERVATION_CATEGORIES.join(', ')}`,
    }),
    unit: text,
    acceptedUnits: z.array(conversionSchema),
    components: z.array(componentSchema).default([]),
    plausibleRange: rangeSchema,
    decimals: z.int({ error: 'must be an integer from 0 to 6' }).min(0).max(6, 'must be an integer from 0 to 6'),
  })
  .superRefine((category, ctx) => {
    const canonical = category.acceptedUnits.find((u) => u.unit === category.unit);
    if (!canonical || !isIdentity(canonical)) {
      ctx.addIssue(
        issue(['acceptedUnits'], 'invalid_units', `must list the canonical unit ${category.unit} without conversion`),
      );
    }
  });

/** The catalogue's data: every category's shape, and codes, LOINC codes and units that never collide. */
export const catalogueSchema = z
  .object({
    version: z.unknown().optional(),
    categories: z.array(categorySchema).min(1, 'must be a non-empty array'),
  })
  .superRefine((catalogue, ctx) => {
    for (const message of collisions(catalogue.categories)) ctx.addIssue(issue([], 'collision', message));
  });

/** Checks raw catalogue data and returns frozen categories; throws listing every problem found. */
export function readCatalogue(data: unknown): readonly Category[] {
  const checked = checkWith(catalogueSchema, data);
  if (!checked.ok) {
    const lines = checked.problems.map((p) => {
      if (p.field === '') return p.message;
      return p.code === 'missing_field' ? `${p.field} is missing` : `${p.field} ${p.message}`;
    });
    throw new Error(`catalogue is invalid:\n- ${lines.join('\n- ')}`);
  }
  return Object.freeze((checked.value.categories as Category[]).map(deepFreeze));
}

/** True when a LOINC code has the right shape and its mod-10 check digit matches. */
export function isValidLoincCode(code: string): boolean {
  const match = /^(\d{1,7})-(\d)$/.exec(code);
  if (!match) return false;
  const digits = match[1] ?? '';
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return (10 - (sum % 10)) % 10 === Number(match[2]);
}

const CATEGORIES = readCatalogue(catalogueJson);
const BY_CODE = new Map(CATEGORIES.map((c) => [c.code, c]));
const BY_LOINC = new Map(CATEGORIES.flatMap((c) => [c.loinc, ...c.loincAliases].map((l) => [l, c] as const)));

/** Every category of the catalogue, in catalogue order. */
export function listCategories(): readonly Category[] {
  return CATEGORIES;
}

/** The category with this catalogue code (e.g. `heart-rate`), if any. */
export function findCategory(code: string): Category | undefined {
  return BY_CODE.get(code);
}

/** The category measured by this LOINC code (primary code or an accepted alias), if any. */
export function findCategoryByLoinc(loinc: string): Category | undefined {
  return BY_LOINC.get(loinc);
}

/** The component of a category that this LOINC code names (e.g. 8480-6 → systolic), if any. */
export function findComponentByLoinc(category: Category, loinc: string): CategoryComponent | undefined {
  return category.components.find((component) => component.loinc === loinc);
}

const COMPONENT_NAMES = Object.freeze([
  ...new Set(CATEGORIES.flatMap((c) => c.components.map((component) => component.name))),
]);

/** Names of every component in the catalogue, each once (they become optional CSV columns). */
export function listComponentNames(): readonly string[] {
  return COMPONENT_NAMES;
}

/** The accepted unit matching `unit`: exact UCUM spelling first, then a case-insensitive match. */
export function findAcceptedUnit(category: Category, unit: string): UnitConversion | undefined {
  const wanted = unit.trim();
  const exact = category.acceptedUnits.find((accepted) => accepted.unit === wanted);
  if (exact) return exact;
  const lower = wanted.toLowerCase();
  return category.acceptedUnits.find((accepted) => accepted.unit.toLowerCase() === lower);
}

/** Converts a value given in `unit` to the category's canonical unit, or says the unit is not accepted. */
export function toCanonical(category: Category, value: number, unit: string): ConversionResult {
  const conversion = findAcceptedUnit(category, unit);
  if (!conversion) return unitNotAccepted(category, unit);
  const [mn, md] = conversion.multiply;
  const [an, ad] = conversion.add;
  // One division at the end keeps exact decimal conversions (lb→kg, in→cm, °F→°C) exact after rounding.
  return { ok: true, value: roundStored((value * mn * ad + an * md) / (md * ad)) };
}

/** Converts a canonical value to another accepted unit of the category (for display in a member's unit). */
export function fromCanonical(category: Category, value: number, unit: string): ConversionResult {
  const conversion = findAcceptedUnit(category, unit);
  if (!conversion) return unitNotAccepted(category, unit);
  const [mn, md] = conversion.multiply;
  const [an, ad] = conversion.add;
  return { ok: true, value: roundStored(((value * ad - an) * md) / (mn * ad)) };
}

/** Rounds to the stored precision (12 significant digits) and turns -0 into 0. */
export function roundStored(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value === 0 ? 0 : value;
  return Number(value.toPrecision(STORED_SIGNIFICANT_DIGITS)) + 0;
}

/** A value rounded to the category's display decimals, as text (e.g. `68.0`). */
export function formatForDisplay(category: Category, value: number): string {
  return value.toFixed(category.decimals);
}

function unitNotAccepted(category: Category, unit: string): ConversionResult {
  const accepted = category.acceptedUnits.map((a) => a.unit).join(', ');
  return {
    ok: false,
    code: 'unit_not_accepted',
    message:
      `unit ${JSON.stringify(unit.slice(0, 40))} is not accepted for ${category.code} ` + `(accepted: ${accepted})`,
  };
}

// Every collision between categories: a code, a LOINC code or a unit (up to case) used twice.
function collisions(categories: readonly Category[]): string[] {
  const problems: string[] = [];
  const codes = new Set<string>();
  const loincs = new Set<string>();
  for (const category of categories) {
    if (codes.has(category.code)) problems.push(`category code ${category.code} is listed twice`);
    codes.add(category.code);
    const own = [category.loinc, ...category.loincAliases, ...category.components.map((c) => c.loinc)];
    for (const loinc of own) {
      if (loincs.has(loinc)) problems.push(`LOINC ${loinc} is used twice`);
      loincs.add(loinc);
    }
    const units = new Map<string, UnitConversion>();
    for (const accepted of category.acceptedUnits) {
      // Case-insensitive lookup must never pick between two different conversions.
      const key = accepted.unit.toLowerCase();
      const other = units.get(key);
      if (other && !sameConversion(other, accepted)) {
        problems.push(`${category.code}: units ${other.unit} and ${accepted.unit} differ only by case`);
      }
      units.set(key, accepted);
    }
    const names = new Set(category.components.map((c) => c.name));
    if (names.size !== category.components.length) problems.push(`${category.code}: component names repeat`);
  }
  return problems;
}

function isIdentity(conversion: UnitConversion): boolean {
  return conversion.multiply[0] === conversion.multiply[1] && conversion.add[0] === 0;
}

function sameConversion(a: UnitConversion, b: UnitConversion): boolean {
  return a.multiply[0] * b.multiply[1] === b.multiply[0] * a.multiply[1] && a.add[0] * b.add[1] === b.add[0] * a.add[1];
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
