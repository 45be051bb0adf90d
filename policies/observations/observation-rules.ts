// The rules an observation must keep before it is stored: a catalogue category, an accepted unit, a value
// inside the plausible range once converted to the canonical unit, a real time that is not in the future.
import {
  findCategory,
  findCategoryByLoinc,
  toCanonical,
  type Category,
  type CategoryComponent,
  type PlausibleRange,
} from './catalogue.js';
import {
  OBSERVATION_SOURCES,
  type NormalisedObservation,
  type ObservationProblem,
  type ObservationSource,
  type ParsedUpload,
  type UploadProblem,
} from './observation-types.js';
import { parseEffectiveTime } from './observation-time.js';
import { isRecord } from '../shared/parse-helpers.js';

/** A device clock may run this far ahead of ours before a time counts as "in the future". */
export const CLOCK_SKEW_ALLOWANCE_MS = 5 * 60 * 1000;
/** Nothing a living member measured happened before this instant. */
export const EARLIEST_EFFECTIVE_AT_MS = Date.UTC(1900, 0, 1);
/** Longest note, in Unicode code points. */
export const MAX_NOTE_LENGTH = 500;

export type ValidationResult =
  | { readonly ok: true; readonly observation: NormalisedObservation }
  | { readonly ok: false; readonly problems: readonly ObservationProblem[] };

export interface ValidatedUpload {
  readonly observations: readonly { readonly index: number; readonly observation: NormalisedObservation }[];
  readonly problems: readonly UploadProblem[];
}

/** Checks one observation (from any format) and returns it in canonical form, or every problem found. */
export function validateObservation(input: unknown, now: Date): ValidationResult {
  if (!isRecord(input)) {
    return fail([problem('', 'invalid_observation', 'an observation must be a JSON object')]);
  }
  const problems: ObservationProblem[] = [];
  const category = readCategory(own(input, 'category'), problems);
  const unit = readUnit(own(input, 'unit'), problems);
  const effectiveAt = readEffectiveAt(own(input, 'effectiveAt'), now, problems);
  const source = readSource(own(input, 'source'), problems);
  const note = readNote(own(input, 'note'), problems);
  const measured = category
    ? readMeasurement(category, own(input, 'value'), own(input, 'components'), unit, problems)
    : undefined;
  if (problems.length > 0 || !category || !measured || unit === undefined || !effectiveAt || !source) {
    return fail(problems);
  }
  const rest = { unit: category.unit, effectiveAt, source, ...(note === undefined ? {} : { note }) };
  const observation: NormalisedObservation =
    'components' in measured
      ? { category: category.code, components: measured.components, ...rest }
      : { category: category.code, value: measured.value, ...rest };
  return { ok: true, observation };
}

/** Validates every parsed row of an upload; the upload is acceptable only if `problems` is empty. */
export function validateUploadRows(parsed: ParsedUpload, now: Date): ValidatedUpload {
  const observations: { index: number; observation: NormalisedObservation }[] = [];
  const problems: UploadProblem[] = [...parsed.problems];
  for (const { index, candidate } of parsed.rows) {
    const result = validateObservation(candidate, now);
    if (result.ok) observations.push({ index, observation: result.observation });
    else problems.push(...result.problems.map((p) => ({ index, ...p })));
  }
  problems.sort((a, b) => (a.index ?? -1) - (b.index ?? -1));
  return { observations, problems };
}

type Measurement = { readonly value: number } | { readonly components: Readonly<Record<string, number>> };

function readMeasurement(
  category: Category,
  value: unknown,
  components: unknown,
  unit: string | undefined,
  problems: ObservationProblem[],
): Measurement | undefined {
  if (category.components.length === 0) {
    if (components !== undefined && components !== null) {
      problems.push(problem('components', 'unexpected_components', `${category.code} has a single value`));
    }
    const number = readNumber(value, 'value', problems);
    if (number === undefined || unit === undefined) return undefined;
    const canonical = convert(category, number, unit, 'value', category.plausibleRange, problems);
    return canonical === undefined ? undefined : { value: canonical };
  }
  if (value !== undefined && value !== null) {
    const names = category.components.map((c) => c.name).join(', ');
    problems.push(problem('value', 'unexpected_value', `${category.code} takes components (${names}), not a value`));
  }
  return readComponents(category, components, unit, problems);
}

function readComponents(
  category: Category,
  raw: unknown,
  unit: string | undefined,
  problems: ObservationProblem[],
): Measurement | undefined {
  if (raw === undefined || raw === null) {
    const names = category.components.map((c) => c.name).join(' and ');
    problems.push(problem('components', 'missing_value', `${category.code} needs ${names}`));
    return undefined;
  }
  if (!isRecord(raw)) {
    problems.push(problem('components', 'invalid_components', 'components must be an object of named numbers'));
    return undefined;
  }
  const known = new Set(category.components.map((c) => c.name));
  for (const name of Object.keys(raw)) {
    if (!known.has(name)) {
      const message = `${category.code} has no component ${JSON.stringify(name.slice(0, 40))}`;
      problems.push(problem(`components.${name.slice(0, 40)}`, 'unknown_component', message));
    }
  }
  const values: Record<string, number> = {};
  let complete = true;
  for (const component of category.components) {
    const canonical = readComponent(category, component, own(raw, component.name), unit, problems);
    if (canonical === undefined) complete = false;
    else values[component.name] = canonical;
  }
  if (!complete) return undefined;
  checkComponentOrder(values, problems);
  return { components: Object.freeze(values) };
}

function readComponent(
  category: Category,
  component: CategoryComponent,
  raw: unknown,
  unit: string | undefined,
  problems: ObservationProblem[],
): number | undefined {
  const field = `components.${component.name}`;
  if (raw === undefined || raw === null) {
    problems.push(problem(field, 'missing_component', `${category.code} needs ${component.name}`));
    return undefined;
  }
  const number = readNumber(raw, field, problems);
  if (number === undefined || unit === undefined) return undefined;
  return convert(category, number, unit, field, component.plausibleRange, problems);
}

// Blood pressure: a systolic pressure at or below the diastolic one is a swapped or mistyped pair.
function checkComponentOrder(values: Record<string, number>, problems: ObservationProblem[]): void {
  const { systolic, diastolic } = values;
  if (systolic !== undefined && diastolic !== undefined && !(systolic > diastolic)) {
    const message = `systolic (${systolic}) must be higher than diastolic (${diastolic})`;
    problems.push(problem('components', 'systolic_not_above_diastolic', message));
  }
}

function convert(
  category: Category,
  value: number,
  unit: string,
  field: string,
  range: PlausibleRange,
  problems: ObservationProblem[],
): number | undefined {
  const converted = toCanonical(category, value, unit);
  if (!converted.ok) {
    // Reported once for the whole observation, not once per component.
    if (!problems.some((p) => p.code === converted.code)) {
      problems.push(problem('unit', converted.code, converted.message));
    }
    return undefined;
  }
  if (converted.value < range.min || converted.value > range.max) {
    const given = converted.value === value && unit.trim() === category.unit ? '' : ` (given ${value} ${unit.trim()})`;
    const message =
      `${converted.value} ${category.unit}${given} is outside the plausible range ` +
      `${range.min}–${range.max} ${category.unit} for ${field === 'value' ? category.code : field}`;
    problems.push(problem(field, 'out_of_range', message));
    return undefined;
  }
  return converted.value;
}

function readCategory(raw: unknown, problems: ObservationProblem[]): Category | undefined {
  if (raw === undefined || raw === null || raw === '') {
    problems.push(problem('category', 'missing_category', 'category is required'));
    return undefined;
  }
  if (typeof raw !== 'string') {
    problems.push(problem('category', 'unknown_category', 'category must be a catalogue code such as heart-rate'));
    return undefined;
  }
  // A catalogue code (heart-rate) or, for convenience, one of its LOINC codes (8867-4).
  const category = findCategory(raw.trim()) ?? findCategoryByLoinc(raw.trim());
  if (!category) {
    problems.push(problem('category', 'unknown_category', `${describe(raw)} is not in the catalogue`));
  }
  return category;
}

function readUnit(raw: unknown, problems: ObservationProblem[]): string | undefined {
  if (typeof raw === 'string' && raw.trim() !== '') return raw;
  if (raw === undefined || raw === null || raw === '') {
    problems.push(problem('unit', 'missing_unit', 'unit is required (UCUM, e.g. kg or /min)'));
  } else {
    problems.push(problem('unit', 'unit_not_accepted', 'unit must be a text such as kg or /min'));
  }
  return undefined;
}

function readNumber(raw: unknown, field: string, problems: ObservationProblem[]): number | undefined {
  if (raw === undefined || raw === null || raw === '') {
    problems.push(problem(field, 'missing_value', `${field} is required`));
    return undefined;
  }
  if (typeof raw !== 'number' || !Number.isFinite(raw)) {
    problems.push(problem(field, 'invalid_number', `${field} must be a finite number, got ${describe(raw)}`));
    return undefined;
  }
  return raw;
}

function readEffectiveAt(raw: unknown, now: Date, problems: ObservationProblem[]): string | undefined {
  if (raw === undefined || raw === null || raw === '') {
    problems.push(problem('effectiveAt', 'missing_time', 'effectiveAt is required'));
    return undefined;
  }
  if (typeof raw !== 'string') {
    problems.push(problem('effectiveAt', 'invalid_time', 'effectiveAt must be an ISO 8601 text'));
    return undefined;
  }
  const parsed = parseEffectiveTime(raw);
  if (!parsed.ok) {
    problems.push(problem('effectiveAt', parsed.code, parsed.message));
    return undefined;
  }
  if (parsed.epochMs > now.getTime() + CLOCK_SKEW_ALLOWANCE_MS) {
    problems.push(problem('effectiveAt', 'future_time', `${describe(raw)} is in the future`));
    return undefined;
  }
  if (parsed.epochMs < EARLIEST_EFFECTIVE_AT_MS) {
    problems.push(problem('effectiveAt', 'time_too_early', `${describe(raw)} is before 1900`));
    return undefined;
  }
  return new Date(parsed.epochMs).toISOString();
}

function readSource(raw: unknown, problems: ObservationProblem[]): ObservationSource | undefined {
  const source = OBSERVATION_SOURCES.find((s) => s === raw);
  if (!source) {
    const message = `source must be one of ${OBSERVATION_SOURCES.join(', ')}, got ${describe(raw)}`;
    problems.push(problem('source', raw === undefined ? 'missing_source' : 'invalid_source', message));
  }
  return source;
}

function readNote(raw: unknown, problems: ObservationProblem[]): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string') {
    problems.push(problem('note', 'invalid_note', 'note must be a text'));
    return undefined;
  }
  const note = raw.trim();
  if ([...note].length > MAX_NOTE_LENGTH) {
    problems.push(problem('note', 'note_too_long', `note must be at most ${MAX_NOTE_LENGTH} characters`));
    return undefined;
  }
  return note === '' ? undefined : note;
}

// Own properties only: a `__proto__` or `constructor` key in the input never reaches the prototype chain.
function own(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Short, safe rendering of a bad input value for a message. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

function problem(field: string, code: string, message: string): ObservationProblem {
  return { field, code, message };
}

function fail(problems: readonly ObservationProblem[]): ValidationResult {
  return { ok: false, problems };
}
