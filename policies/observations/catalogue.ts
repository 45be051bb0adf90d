// The catalogue of observation categories: what a member may store, in which unit, within which range.
// The data lives in catalogue.json (the cooperative's law, readable without code); this module checks it
// once at load and gives typed, read-only access to it. See README-catalogue.md for the unit representation.
import catalogueJson from './catalogue.json' with { type: 'json' };
import { isRecord } from '../shared/parse-helpers.js';

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

const IDENTITY: Rational = [1, 1];
const ZERO: Rational = [0, 1];

/** Checks raw catalogue data and returns frozen categories; throws listing every problem found. */
export function readCatalogue(data: unknown): readonly Category[] {
  const problems: string[] = [];
  const rawCategories = isRecord(data) && Array.isArray(data.categories) ? data.categories : undefined;
  if (!rawCategories || rawCategories.length === 0) {
    throw new Error('catalogue: "categories" must be a non-empty array');
  }
  const categories = rawCategories.map((raw, i) => readCategory(raw, `categories[${i}]`, problems));
  checkUniqueness(categories, problems);
  if (problems.length > 0) throw new Error(`catalogue is invalid:\n- ${problems.join('\n- ')}`);
  return Object.freeze(categories.map(deepFreeze));
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

function readCategory(raw: unknown, at: string, problems: string[]): Category {
  const c = isRecord(raw) ? raw : {};
  if (!isRecord(raw)) problems.push(`${at} must be an object`);
  const code = readString(c.code, `${at}.code`, problems);
  if (code && !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(code)) problems.push(`${at}.code must be kebab-case`);
  const unit = readString(c.unit, `${at}.unit`, problems);
  const acceptedUnits = Array.isArray(c.acceptedUnits)
    ? c.acceptedUnits.map((u, i) => readConversion(u, `${at}.acceptedUnits[${i}]`, problems))
    : [];
  const canonical = acceptedUnits.find((u) => u.unit === unit);
  if (!canonical || !isIdentity(canonical)) {
    problems.push(`${at}.acceptedUnits must list the canonical unit ${unit} without conversion`);
  }
  const components = Array.isArray(c.components)
    ? c.components.map((raw, i) => readComponent(raw, `${at}.components[${i}]`, problems))
    : [];
  const fhirCategory = FHIR_OBSERVATION_CATEGORIES.find((f) => f === c.fhirCategory);
  if (!fhirCategory) {
    problems.push(`${at}.fhirCategory must be one of ${FHIR_OBSERVATION_CATEGORIES.join(', ')}`);
  }
  const decimals = typeof c.decimals === 'number' && Number.isInteger(c.decimals) ? c.decimals : -1;
  if (decimals < 0 || decimals > 6) problems.push(`${at}.decimals must be an integer from 0 to 6`);
  const aliases = Array.isArray(c.loincAliases) ? c.loincAliases : [];
  return {
    code,
    label: readString(c.label, `${at}.label`, problems),
    loinc: readLoinc(c.loinc, `${at}.loinc`, problems),
    loincDisplay: readString(c.loincDisplay, `${at}.loincDisplay`, problems),
    loincAliases: aliases.map((l, i) => readLoinc(l, `${at}.loincAliases[${i}]`, problems)),
    fhirCategory: fhirCategory ?? 'vital-signs',
    unit,
    acceptedUnits,
    components,
    plausibleRange: readRange(c.plausibleRange, `${at}.plausibleRange`, problems),
    decimals,
  };
}

function readComponent(raw: unknown, at: string, problems: string[]): CategoryComponent {
  const c = isRecord(raw) ? raw : {};
  const name = readString(c.name, `${at}.name`, problems);
  if (name && !/^[a-z][a-zA-Z0-9]*$/.test(name)) problems.push(`${at}.name must be camelCase`);
  return {
    name,
    label: readString(c.label, `${at}.label`, problems),
    loinc: readLoinc(c.loinc, `${at}.loinc`, problems),
    loincDisplay: readString(c.loincDisplay, `${at}.loincDisplay`, problems),
    plausibleRange: readRange(c.plausibleRange, `${at}.plausibleRange`, problems),
  };
}

function readConversion(raw: unknown, at: string, problems: string[]): UnitConversion {
  const c = isRecord(raw) ? raw : {};
  const multiply = c.multiply === undefined ? IDENTITY : readRational(c.multiply, `${at}.multiply`, problems);
  if (multiply[0] === 0) problems.push(`${at}.multiply must not be zero`);
  return {
    unit: readString(c.unit, `${at}.unit`, problems),
    multiply,
    add: c.add === undefined ? ZERO : readRational(c.add, `${at}.add`, problems),
  };
}

function readRational(raw: unknown, at: string, problems: string[]): Rational {
  const ok =
    Array.isArray(raw) &&
    raw.length === 2 &&
    Number.isSafeInteger(raw[0]) &&
    Number.isSafeInteger(raw[1]) &&
    (raw[1] as number) > 0;
  if (!ok) {
    problems.push(`${at} must be [numerator, denominator] of safe integers, denominator > 0`);
    return IDENTITY;
  }
  return [raw[0] as number, raw[1] as number];
}

function readRange(raw: unknown, at: string, problems: string[]): PlausibleRange {
  const r = isRecord(raw) ? raw : {};
  const { min, max } = r;
  if (typeof min !== 'number' || typeof max !== 'number' || !Number.isFinite(min) || !(max > min)) {
    problems.push(`${at} must be { min, max } with finite numbers and min < max`);
    return { min: 0, max: 0 };
  }
  return { min, max };
}

function readLoinc(raw: unknown, at: string, problems: string[]): string {
  const code = readString(raw, at, problems);
  if (code && !isValidLoincCode(code)) problems.push(`${at} ${code} is not a valid LOINC code (check digit)`);
  return code;
}

function readString(raw: unknown, at: string, problems: string[]): string {
  if (typeof raw === 'string' && raw.trim() !== '') return raw;
  problems.push(`${at} must be a non-empty string`);
  return '';
}

function checkUniqueness(categories: readonly Category[], problems: string[]): void {
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
