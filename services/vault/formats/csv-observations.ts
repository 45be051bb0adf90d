// Observations as CSV with a header row. Columns (header names are case-insensitive; `_`, `-` and spaces
// are ignored, so `effective_at` works): category, value, unit, effectiveAt, then the components of the
// catalogue (systolic, diastolic) for blood pressure, an optional note and an optional source (default
// `csv`). Unknown columns are ignored; blank lines and rows of empty cells are skipped. A cell starting with `'`
// followed by = + - @ tab CR or `'` loses that `'`: it is the export's guard against spreadsheet formulas.
// European spreadsheets are read as they export: `;` between fields with decimal commas (`72,5`), and dates as
// `14.03.2024 08:05` or `14/03/2024` (local-dates.ts: the time zone and, for slashes, the order).
import { listCategories, listComponentNames } from '../../../policies/observations/catalogue.js';
import { detectSeparator, iterateCsvRecords, unguardFormula } from './csv-records.js';
import { dateOrderOf, localToIso, type DateOrder } from './local-dates.js';
import {
  DEFAULT_MAX_ROWS,
  type ObservationCandidate,
  type ParsedUpload,
  type ParseOptions,
  type UploadProblem,
} from '../../../policies/observations/observation-types.js';

/** Every column, in the order the exporter writes them. */
export const CSV_COLUMNS: readonly string[] = Object.freeze([
  'category',
  'value',
  'unit',
  'effectiveAt',
  ...listComponentNames(),
  'note',
  'source',
]);

const REQUIRED_COLUMNS = ['category', 'unit', 'effectiveAt'] as const;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;

/** How the uploader's spreadsheet writes local times: the time zone they are in, and the order of slash dates. */
export interface CsvDialect {
  timeZone?: string | undefined;
  dateOrder?: DateOrder | undefined;
}

/** Turns a CSV upload into candidate observations with their 0-based data-row index. */
export function parseCsvObservations(text: string, options: ParseOptions = {}, dialect: CsvDialect = {}): ParsedUpload {
  const parsed = parseRows(text, options, detectSeparator(text));
  if (parsed.rows.length === 0) return parsed;
  const order = dateOrderOf(
    parsed.rows.map((r) => r.candidate.effectiveAt as string | undefined),
    dialect.dateOrder,
  );
  if (order === 'ambiguous' || order === 'conflicting') {
    const message =
      order === 'ambiguous'
        ? 'dates like 03/04/2024 can be day first or month first; choose which (dateOrder)'
        : 'some dates are day first and others month first; use one order';
    return { rows: [], problems: [{ index: null, field: 'effectiveAt', code: `${order}_date_order`, message }] };
  }
  for (const row of parsed.rows) {
    const at = row.candidate.effectiveAt;
    if (typeof at === 'string') row.candidate.effectiveAt = localToIso(at, order, dialect.timeZone);
  }
  return parsed;
}

function parseRows(text: string, options: ParseOptions, separator: ',' | ';'): ParsedUpload {
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  const rows: { index: number; candidate: ObservationCandidate }[] = [];
  const problems: UploadProblem[] = [];
  let header: readonly (string | undefined)[] | undefined;
  let positions: ColumnPositions = {};
  let index = 0;
  for (const item of iterateCsvRecords(text, separator)) {
    if (item.kind === 'error') {
      problems.push({ index: header ? index : null, field: '', code: item.code, message: item.message });
      return { rows: [], problems };
    }
    if (isBlank(item.fields)) continue;
    if (!header) {
      const columns = readHeader(item.fields);
      if (columns.problems.length > 0) return { rows: [], problems: columns.problems };
      header = columns.names;
      positions = columnPositions(header);
      continue;
    }
    if (index >= maxRows) {
      const message = `more than ${maxRows} rows; split the file`;
      return { rows: [], problems: [{ index: null, field: '', code: 'too_many_rows', message }] };
    }
    if (item.fields.length !== header.length) {
      const message = `line ${item.line}: ${item.fields.length} fields where the header has ${header.length}`;
      problems.push({ index, field: '', code: 'field_count_mismatch', message });
    } else {
      rows.push({ index, candidate: toCandidate(positions, item.fields, separator) });
    }
    index += 1;
  }
  if (!header) return { rows: [], problems: [wholeFile('empty_file', 'the file is empty')] };
  if (index === 0) return { rows: [], problems: [wholeFile('no_rows', 'the file has a header but no rows')] };
  return { rows, problems };
}

function readHeader(fields: readonly string[]): {
  names: readonly (string | undefined)[];
  problems: UploadProblem[];
} {
  const byKey = new Map(CSV_COLUMNS.map((column) => [headerKey(column), column]));
  const names = fields.map((field) => byKey.get(headerKey(field)));
  const problems: UploadProblem[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (name === undefined) continue;
    if (seen.has(name)) problems.push(column('duplicate_column', name, `column ${name} appears twice`));
    seen.add(name);
  }
  for (const required of REQUIRED_COLUMNS) {
    if (!seen.has(required)) {
      problems.push(column('missing_column', required, `column ${required} is missing`));
    }
  }
  const componentColumns = listCategories().some(
    (c) => c.components.length > 0 && c.components.every((component) => seen.has(component.name)),
  );
  if (!seen.has('value') && !componentColumns) {
    problems.push(column('missing_column', 'value', 'column value is missing'));
  }
  return { names, problems };
}

/** Where each known column sits in a row (-1 when the file does not have it). */
type ColumnPositions = Readonly<Record<string, number>>;

function columnPositions(header: readonly (string | undefined)[]): ColumnPositions {
  return Object.fromEntries(CSV_COLUMNS.map((name) => [name, header.indexOf(name)]));
}

function toCandidate(
  positions: ColumnPositions,
  fields: readonly string[],
  separator: ',' | ';',
): ObservationCandidate {
  // With `;` between fields a comma can only be a decimal comma (72,5).
  const toNumber = (cell: string) =>
    number(separator === ';' && DECIMAL_COMMA.test(cell) ? cell.replace(',', '.') : cell);
  const raw = (name: string): string | undefined => {
    const position = positions[name] ?? -1;
    const cell = position < 0 ? undefined : fields[position];
    return cell === undefined ? undefined : unguardFormula(cell);
  };
  const text = (name: string): string | undefined => {
    const cell = raw(name)?.trim();
    return cell === undefined || cell === '' ? undefined : cell;
  };
  let components: Record<string, number | string> | undefined;
  for (const name of listComponentNames()) {
    const cell = text(name);
    if (cell !== undefined) (components ??= {})[name] = toNumber(cell);
  }
  const value = text('value');
  const note = raw('note');
  return {
    category: text('category'),
    value: value === undefined ? undefined : toNumber(value),
    components,
    unit: text('unit'),
    effectiveAt: text('effectiveAt'),
    note: note === undefined || note.trim() === '' ? undefined : note,
    source: text('source') ?? 'csv',
  };
}

// A number in plain decimal or exponent notation; anything else stays text for the rules to refuse.
function number(cell: string): number | string {
  return NUMBER.test(cell) ? Number(cell) : cell;
}

function headerKey(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_-]/g, '');
}

function isBlank(fields: readonly string[]): boolean {
  return fields.every((field) => field.trim() === '');
}

function column(code: string, field: string, message: string): UploadProblem {
  return { index: null, field, code, message };
}

function wholeFile(code: string, message: string): UploadProblem {
  return { index: null, field: '', code, message };
}
