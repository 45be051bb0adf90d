// Observation search parameters (R4 §3.1.1): which are known, what each value means, and how a stored observation
// meets them. Pure: the caller passes the query as received and the member's observations as stored.
import {
  FHIR_OBSERVATION_CATEGORIES,
  findCategory,
  findCategoryByLoinc,
  type FhirObservationCategory,
} from '../../../policies/observations/catalogue.js';
import { type DateCriterion, matchesDate, parseDateValue } from './date-search.js';

export const LOINC = 'http://loinc.org';
export const CATEGORY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/observation-category';
/** Page size when `_count` is not given, and the largest one served (a larger `_count` is served as this). */
export const DEFAULT_COUNT = 50;
export const MAX_COUNT = 200;

/** The search parameters of Observation this API implements (besides the paging token `_cursor`). */
export const OBSERVATION_SEARCH_PARAMS = {
  code: 'token',
  date: 'date',
  category: 'token',
  patient: 'reference',
  subject: 'reference',
  _count: 'number',
  _sort: 'string',
} as const;
/** Parameters every interaction accepts and that are no search criteria. */
const GENERAL_PARAMS = new Set(['_format', '_cursor']);

/** A parsed search: every list is AND-ed, the alternatives inside each are OR-ed (a comma in the value). */
export interface ObservationSearch {
  /** Catalogue categories per `code` parameter (a code not in the catalogue matches nothing). */
  codes: (readonly string[])[];
  categories: (readonly FhirObservationCategory[])[];
  dates: (readonly DateCriterion[])[];
  /** Each `patient`/`subject` parameter: whether it names the caller (else nothing matches). */
  ownPatient: boolean[];
  count: number;
  sort: 'date' | '-date';
  cursor: string | undefined;
  /** The parameters applied, as the self link writes them (canonical order). */
  applied: [string, string][];
  /** Unknown parameters left out under `Prefer: handling=lenient`. */
  ignored: string[];
}

/** One problem with a parameter: the parameter and why. */
export interface SearchProblem {
  param: string;
  code: 'unknown_parameter' | 'invalid_parameter';
  message: string;
}

export type ParsedSearch = { ok: true; search: ObservationSearch } | { ok: false; problems: SearchProblem[] };

/**
 * Reads an Observation search from the query string (a name may repeat: an array). Unknown parameters and
 * modifiers are problems unless `lenient`, then they are ignored and listed. `memberId` is the caller's own id.
 */
export function parseObservationSearch(
  query: Readonly<Record<string, string | string[] | undefined>>,
  options: { lenient: boolean; memberId: string },
): ParsedSearch {
  const problems: SearchProblem[] = [];
  const search: ObservationSearch = {
    codes: [],
    categories: [],
    dates: [],
    ownPatient: [],
    count: DEFAULT_COUNT,
    sort: 'date',
    cursor: undefined,
    applied: [],
    ignored: [],
  };
  const invalid = (param: string, message: string) => problems.push({ param, code: 'invalid_parameter', message });
  for (const name of Object.keys(query).sort()) {
    const values = [query[name]].flat().filter((v): v is string => v !== undefined);
    if (!(name in OBSERVATION_SEARCH_PARAMS) && !GENERAL_PARAMS.has(name)) {
      if (options.lenient) search.ignored.push(name);
      else problems.push({ param: name, code: 'unknown_parameter', message: `${name} is not a supported parameter` });
      continue;
    }
    if (name === '_format') continue;
    if ((name === '_count' || name === '_sort' || name === '_cursor') && values.length > 1) {
      invalid(name, `${name} may be given once`);
      continue;
    }
    for (const value of values) {
      if (value === '') {
        invalid(name, `${name} has no value`);
        continue;
      }
      const before = problems.length;
      readParam(search, name, value, options.memberId, invalid);
      if (problems.length === before && name !== '_cursor') search.applied.push([name, value]);
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, search };
}

function readParam(
  search: ObservationSearch,
  name: string,
  value: string,
  memberId: string,
  invalid: (param: string, message: string) => void,
): void {
  switch (name) {
    case 'code':
      search.codes.push(value.split(',').flatMap(categoriesOfCode));
      return;
    case 'category': {
      const wanted: FhirObservationCategory[] = [];
      for (const token of value.split(',')) {
        const { system, code } = splitToken(token);
        if (system !== undefined && system !== '' && system !== CATEGORY_SYSTEM) continue;
        if ((FHIR_OBSERVATION_CATEGORIES as readonly string[]).includes(code)) {
          wanted.push(code as FhirObservationCategory);
        }
      }
      search.categories.push(wanted);
      return;
    }
    case 'date': {
      const criteria: DateCriterion[] = [];
      for (const part of value.split(',')) {
        const parsed = parseDateValue(part);
        if (!parsed.ok) return invalid('date', `${part.slice(0, 40)}: ${parsed.message}`);
        criteria.push(parsed.criterion);
      }
      search.dates.push(criteria);
      return;
    }
    case 'patient':
    case 'subject': {
      const ids = value.split(',').map((ref) => ref.replace(/^(?:.*\/)?Patient\//, ''));
      search.ownPatient.push(ids.includes(memberId));
      return;
    }
    case '_count': {
      if (!/^\d{1,6}$/.test(value)) return invalid('_count', '_count must be a whole number from 0');
      search.count = Math.min(Number(value), MAX_COUNT);
      return;
    }
    case '_sort':
      if (value !== 'date' && value !== '-date') return invalid('_sort', '_sort may be date or -date');
      search.sort = value;
      return;
    case '_cursor':
      search.cursor = value;
      return;
  }
}

/** The catalogue categories a `code` token names: LOINC `system|code`, `|code` or a bare code. */
function categoriesOfCode(token: string): string[] {
  const { system, code } = splitToken(token);
  if (system !== undefined && system !== '' && system !== LOINC) return [];
  const category = findCategoryByLoinc(code);
  return category ? [category.code] : [];
}

function splitToken(token: string): { system: string | undefined; code: string } {
  const bar = token.indexOf('|');
  return bar === -1 ? { system: undefined, code: token } : { system: token.slice(0, bar), code: token.slice(bar + 1) };
}

/** An observation as the search sees it: its catalogue category and effective instant. */
export interface Searchable {
  category: string;
  effectiveAt: string;
}

/** Whether an observation meets every parameter of the search. */
export function matchesSearch(observation: Searchable, search: ObservationSearch): boolean {
  if (search.ownPatient.some((own) => !own)) return false;
  if (search.codes.some((alternatives) => !alternatives.includes(observation.category))) return false;
  if (search.categories.length > 0) {
    const fhirCategory = findCategory(observation.category)?.fhirCategory;
    if (search.categories.some((alternatives) => !fhirCategory || !alternatives.includes(fhirCategory))) return false;
  }
  const at = Date.parse(observation.effectiveAt);
  return search.dates.every((alternatives) => alternatives.some((criterion) => matchesDate(at, criterion)));
}

/** The categories a search can match (undefined: any), so that only their chunks are read. */
export function candidateCategories(search: ObservationSearch): readonly string[] | undefined {
  if (search.codes.length === 0) return undefined;
  return search.codes.reduce<readonly string[]>(
    (acc, alternatives) => acc.filter((c) => alternatives.includes(c)),
    search.codes[0]!,
  );
}
