// FHIR R4 uploads: one `Observation`, or a `Bundle` whose entries are Observations. The category comes from
// a LOINC coding of `code`; the value from `valueQuantity` (its UCUM `code` preferred over the `unit` text),
// or from `component` for blood pressure; the time from `effectiveDateTime`, `effectiveInstant` or
// `effectivePeriod` (start, else end). Anything this cannot read becomes a problem of its row, never a crash.
import {
  findAcceptedUnit,
  findCategoryByLoinc,
  findComponentByLoinc,
  type Category,
} from '../../../policies/observations/catalogue.js';
import {
  DEFAULT_MAX_ROWS,
  type ObservationCandidate,
  type ObservationProblem,
  type ParsedUpload,
  type ParseOptions,
  type UploadProblem,
} from '../../../policies/observations/observation-types.js';
import { INVALID_JSON, isRecord, parseJsonText, wholeUploadProblem } from '../../../policies/shared/parse-helpers.js';

export const LOINC_SYSTEM = 'http://loinc.org';
export const UCUM_SYSTEM = 'http://unitsofmeasure.org';

/** Statuses whose result must not be stored: withdrawn, erroneous, or not measured yet. */
const REFUSED_STATUSES = new Set(['entered-in-error', 'cancelled', 'registered']);
const OTHER_VALUE_TYPES = [
  'valueCodeableConcept',
  'valueString',
  'valueBoolean',
  'valueInteger',
  'valueRange',
  'valueRatio',
  'valueSampledData',
  'valueTime',
  'valueDateTime',
  'valuePeriod',
];

type RowResult = { candidate: ObservationCandidate } | { problems: ObservationProblem[] };

/** Turns a FHIR R4 Observation or Bundle (text or parsed JSON) into candidate observations. */
export function parseFhirObservations(body: unknown, options: ParseOptions = {}): ParsedUpload {
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  const resource = typeof body === 'string' ? parseJsonText(body) : body;
  if (resource === INVALID_JSON) return wholeUploadProblem('invalid_json', 'the body is not valid JSON');
  if (!isRecord(resource) || typeof resource.resourceType !== 'string') {
    return wholeUploadProblem('not_fhir', 'expected a FHIR resource with a resourceType (Observation or Bundle)');
  }
  if (resource.resourceType === 'Observation') {
    return collect([{ index: 0, result: readObservation(resource) }]);
  }
  if (resource.resourceType !== 'Bundle') {
    const message = `a ${resource.resourceType.slice(0, 40)} is not an Observation or a Bundle of them`;
    return wholeUploadProblem('unsupported_resource', message);
  }
  const entries = resource.entry === undefined ? [] : resource.entry;
  if (!Array.isArray(entries)) return wholeUploadProblem('invalid_bundle', 'Bundle.entry must be an array');
  if (entries.length === 0) return wholeUploadProblem('no_rows', 'the Bundle has no entries');
  if (entries.length > maxRows) {
    return wholeUploadProblem('too_many_rows', `more than ${maxRows} entries; split the Bundle`);
  }
  return collect(entries.map((entry: unknown, index) => ({ index, result: readEntry(entry) })));
}

function readEntry(entry: unknown): RowResult {
  const resource = isRecord(entry) ? entry.resource : undefined;
  if (!isRecord(resource)) return refuse('resource', 'missing_resource', 'the Bundle entry has no resource');
  return readObservation(resource);
}

function readObservation(resource: Record<string, unknown>): RowResult {
  if (resource.resourceType !== 'Observation') {
    const kind = typeof resource.resourceType === 'string' ? resource.resourceType.slice(0, 40) : 'resource';
    return refuse('resourceType', 'not_an_observation', `a ${kind} is not an Observation`);
  }
  const problems: ObservationProblem[] = [];
  const { status } = resource;
  if (typeof status === 'string' && REFUSED_STATUSES.has(status)) {
    problems.push(problem('status', 'rejected_status', `an Observation with status ${status} is not a result`));
  }
  const category = readCategory(resource.code, problems);
  const effectiveAt = readEffective(resource, problems);
  if (!category || problems.length > 0) return { problems };
  const measured =
    category.components.length > 0
      ? readComponents(category, resource, problems)
      : readValue(category, resource, problems);
  if (!measured || problems.length > 0) return { problems };
  return {
    candidate: {
      category: category.code,
      ...measured,
      effectiveAt,
      source: 'fhir',
      note: readNote(resource),
    },
  };
}

function readCategory(code: unknown, problems: ObservationProblem[]): Category | undefined {
  const codings = isRecord(code) && Array.isArray(code.coding) ? code.coding.filter(isRecord) : [];
  const loincs = codings
    .filter((coding) => coding.system === LOINC_SYSTEM && typeof coding.code === 'string')
    .map((coding) => (coding.code as string).trim());
  if (loincs.length === 0) {
    problems.push(problem('code.coding', 'missing_loinc_code', `code needs a coding with system ${LOINC_SYSTEM}`));
    return undefined;
  }
  for (const loinc of loincs) {
    const category = findCategoryByLoinc(loinc);
    if (category) return category;
  }
  const shown = loincs.map((l) => l.slice(0, 20)).join(', ');
  problems.push(problem('code.coding', 'unknown_category', `LOINC ${shown} is not in the catalogue`));
  return undefined;
}

function readEffective(resource: Record<string, unknown>, problems: ObservationProblem[]): unknown {
  if (resource.effectiveDateTime !== undefined) return resource.effectiveDateTime;
  if (resource.effectiveInstant !== undefined) return resource.effectiveInstant;
  const period = resource.effectivePeriod;
  if (isRecord(period) && (period.start !== undefined || period.end !== undefined)) {
    return period.start ?? period.end;
  }
  const message = 'needs effectiveDateTime, effectiveInstant or effectivePeriod (effectiveTiming is not supported)';
  problems.push(problem('effective[x]', 'missing_time', message));
  return undefined;
}

function readValue(
  category: Category,
  resource: Record<string, unknown>,
  problems: ObservationProblem[],
): ObservationCandidate | undefined {
  const quantity = resource.valueQuantity;
  if (!isRecord(quantity)) {
    const other = OTHER_VALUE_TYPES.find((type) => resource[type] !== undefined);
    if (other) {
      problems.push(problem(other, 'unsupported_value_type', `${other} is not supported; use valueQuantity`));
    } else {
      problems.push(problem('valueQuantity', 'missing_value', `no valueQuantity${absentReason(resource)}`));
    }
    return undefined;
  }
  if (quantity.comparator !== undefined) {
    const message = `a value with comparator ${String(quantity.comparator).slice(0, 4)} is not a measurement`;
    problems.push(problem('valueQuantity.comparator', 'comparator_not_supported', message));
    return undefined;
  }
  return { value: quantity.value, unit: readUnit(category, quantity) };
}

function readComponents(
  category: Category,
  resource: Record<string, unknown>,
  problems: ObservationProblem[],
): ObservationCandidate | undefined {
  const components: Record<string, unknown> = {};
  const units = new Set<string>();
  const parts = Array.isArray(resource.component) ? resource.component.filter(isRecord) : [];
  for (const part of parts) {
    const codings = isRecord(part.code) && Array.isArray(part.code.coding) ? part.code.coding.filter(isRecord) : [];
    const component = codings
      .filter((coding) => coding.system === LOINC_SYSTEM && typeof coding.code === 'string')
      .map((coding) => findComponentByLoinc(category, coding.code as string))
      .find((found) => found !== undefined);
    // Other components (mean arterial pressure, a pulse from the same cuff) are not ours to keep.
    if (!component || components[component.name] !== undefined || !isRecord(part.valueQuantity)) continue;
    if (part.valueQuantity.comparator !== undefined) {
      const message = `${component.name} has a comparator; it is not a measurement`;
      problems.push(problem(`component.${component.name}`, 'comparator_not_supported', message));
      continue;
    }
    components[component.name] = part.valueQuantity.value;
    const unit = readUnit(category, part.valueQuantity);
    if (unit !== undefined) units.add(unit);
  }
  if (units.size > 1) {
    problems.push(problem('component', 'mixed_units', `components use different units: ${[...units].join(', ')}`));
    return undefined;
  }
  if (Object.keys(components).length === 0) {
    const names = category.components.map((c) => `${c.name} (${c.loinc})`).join(', ');
    problems.push(problem('component', 'missing_value', `needs components ${names}${absentReason(resource)}`));
    return undefined;
  }
  return { components, unit: [...units][0] };
}

// The UCUM code is what machines agree on; the unit text is for people, used only when no code fits.
function readUnit(category: Category, quantity: Record<string, unknown>): string | undefined {
  const ucum = quantity.system === undefined || quantity.system === UCUM_SYSTEM;
  const code = ucum && typeof quantity.code === 'string' ? quantity.code : undefined;
  const text = typeof quantity.unit === 'string' ? quantity.unit : undefined;
  return [code, text].find((unit) => unit !== undefined && findAcceptedUnit(category, unit)) ?? code ?? text;
}

function readNote(resource: Record<string, unknown>): string | undefined {
  const notes = Array.isArray(resource.note) ? resource.note.filter(isRecord) : [];
  const texts = notes.map((note) => note.text).filter((text): text is string => typeof text === 'string');
  return texts.length > 0 ? texts.join('\n') : undefined;
}

function absentReason(resource: Record<string, unknown>): string {
  const reason = resource.dataAbsentReason;
  if (!isRecord(reason)) return '';
  const coding = Array.isArray(reason.coding) ? reason.coding.find(isRecord) : undefined;
  const text = typeof reason.text === 'string' ? reason.text : coding?.code;
  return typeof text === 'string' ? ` (data absent: ${text.slice(0, 40)})` : '';
}

function collect(results: readonly { index: number; result: RowResult }[]): ParsedUpload {
  const rows: { index: number; candidate: ObservationCandidate }[] = [];
  const problems: UploadProblem[] = [];
  for (const { index, result } of results) {
    if ('candidate' in result) rows.push({ index, candidate: result.candidate });
    else problems.push(...result.problems.map((p) => ({ index, ...p })));
  }
  return { rows, problems };
}

function refuse(field: string, code: string, message: string): RowResult {
  return { problems: [problem(field, code, message)] };
}

function problem(field: string, code: string, message: string): ObservationProblem {
  return { field, code, message };
}
