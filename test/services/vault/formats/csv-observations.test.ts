import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, parseCsvObservations } from '../../../../services/vault/formats/csv-observations.js';
import { validateUploadRows } from '../../../../policies/observations/observation-rules.js';

const NOW = new Date('2024-06-01T12:00:00.000Z');
const fixture = (name: string): string =>
  readFileSync(new URL(`../../../../fixtures/uploads/${name}`, import.meta.url), 'utf8');

function codesOf(text: string, maxRows?: number): { index: number | null; field: string; code: string }[] {
  const parsed = parseCsvObservations(text, maxRows === undefined ? {} : { maxRows });
  return validateUploadRows(parsed, NOW).problems.map(({ index, field, code }) => ({ index, field, code }));
}

describe('parseCsvObservations', () => {
  it('reads a watch export of heart rate (byte-order mark, CRLF, spreadsheet header, bpm)', () => {
    const result = validateUploadRows(parseCsvObservations(fixture('watch-heart-rate.csv')), NOW);
    expect(result.problems).toEqual([]);
    expect(result.observations).toHaveLength(48);
    expect(result.observations[0]).toEqual({
      index: 0,
      observation: {
        category: 'heart-rate',
        value: 54,
        unit: '/min',
        effectiveAt: '2024-03-14T05:00:00.000Z',
        source: 'csv',
      },
    });
    expect(result.observations[6]?.observation).toMatchObject({ value: 117, note: 'Run, 5 km' });
  });

  it('reports every bad row of a file with its index and reason', () => {
    expect(codesOf(fixture('invalid-observations.csv'))).toEqual([
      { index: 1, field: 'category', code: 'unknown_category' },
      { index: 2, field: 'unit', code: 'unit_not_accepted' },
      { index: 3, field: 'value', code: 'out_of_range' },
      { index: 4, field: 'effectiveAt', code: 'future_time' },
      { index: 5, field: 'effectiveAt', code: 'invalid_time' },
      { index: 6, field: 'value', code: 'missing_value' },
      { index: 7, field: 'components', code: 'systolic_not_above_diastolic' },
      { index: 8, field: 'value', code: 'invalid_number' },
    ]);
  });

  it('reads header names whatever their case or separators', () => {
    const text = 'CATEGORY,Value,UNIT,effective_at,Effective-Note\nheart-rate,61,/min,2024-05-01T06:00:00Z,x\n';
    expect(codesOf(text)).toEqual([]);
  });

  it('reads blood pressure from the systolic and diastolic columns', () => {
    const text = 'category,unit,effectiveAt,systolic,diastolic\nblood-pressure,mmHg,2024-05-01T06:00:00Z,121,78\n';
    expect(parseCsvObservations(text).rows[0]?.candidate).toMatchObject({
      category: 'blood-pressure',
      components: { systolic: 121, diastolic: 78 },
      value: undefined,
    });
    expect(codesOf(text)).toEqual([]);
  });

  it('takes the source from its column, or csv when there is none', () => {
    const text = 'category,value,unit,effectiveAt,source\nsteps,9000,/d,2024-05-01,device\nsteps,8000,/d,2024-05-02,\n';
    expect(parseCsvObservations(text).rows.map((row) => row.candidate.source)).toEqual(['device', 'csv']);
  });

  it.each([
    ['1e2', 100],
    ['-0.5', -0.5],
    ['.5', 0.5],
    ['72.', 72],
    [' 72 ', 72],
    ['72 bpm', '72 bpm'],
    ['0x48', '0x48'],
    ['8,500', '8,500'],
  ])('reads the value %j as %j', (cell, value) => {
    const text = `category,value,unit,effectiveAt\nheart-rate,"${cell}",/min,2024-05-01T06:00:00Z\n`;
    expect(parseCsvObservations(text).rows[0]?.candidate.value).toBe(value);
  });

  it.each([
    ['unit', 'category,value,effectiveAt\nheart-rate,60,2024-05-01T06:00:00Z\n'],
    ['effectiveAt', 'category,value,unit\nheart-rate,60,/min\n'],
    ['value', 'category,unit,effectiveAt,systolic\nheart-rate,/min,2024-05-01T06:00:00Z,1\n'],
  ])('refuses a file without the %s column', (column, text) => {
    expect(codesOf(text)).toEqual([{ index: null, field: column, code: 'missing_column' }]);
  });

  it('refuses a column given twice', () => {
    const text = 'category,value,unit,effectiveAt,Value\nheart-rate,60,/min,2024-05-01T06:00:00Z,61\n';
    expect(codesOf(text)).toEqual([{ index: null, field: 'value', code: 'duplicate_column' }]);
  });

  it.each([
    ['an empty file', ''],
    ['a file with only a byte-order mark', '\uFEFF'],
    ['a file of blank lines', '\n\r\n  \n'],
  ])('refuses %s', (_what, text) => {
    expect(codesOf(text)).toEqual([{ index: null, field: '', code: 'empty_file' }]);
  });

  it('refuses a header without rows', () => {
    expect(codesOf('category,value,unit,effectiveAt\r\n')).toEqual([{ index: null, field: '', code: 'no_rows' }]);
  });

  it('reports a row with the wrong number of fields and still reads the others', () => {
    const text =
      'category,value,unit,effectiveAt\n' +
      'heart-rate,60,/min,2024-05-01T06:00:00Z\n' +
      'heart-rate,61,/min\n' +
      'heart-rate,620,/min,2024-05-01T06:02:00Z\n';
    expect(codesOf(text)).toEqual([
      { index: 1, field: '', code: 'field_count_mismatch' },
      { index: 2, field: 'value', code: 'out_of_range' },
    ]);
  });

  it('reports broken quoting at the row where it starts', () => {
    const text = 'category,value,unit,effectiveAt\nheart-rate,60,/min,2024-05-01T06:00:00Z\nheart-rate,"61,/min\n';
    expect(codesOf(text)).toEqual([{ index: 1, field: '', code: 'unterminated_quote' }]);
  });

  it('skips blank lines and rows of empty cells, as spreadsheets leave them', () => {
    const text = 'category,value,unit,effectiveAt\n\nheart-rate,60,/min,2024-05-01T06:00:00Z\n,,,\n\n';
    const parsed = parseCsvObservations(text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.rows.map((row) => row.index)).toEqual([0]);
  });

  it('ignores columns it does not know', () => {
    const text = 'device,category,value,unit,effectiveAt\nWatch 7,heart-rate,60,/min,2024-05-01T06:00:00Z\n';
    expect(codesOf(text)).toEqual([]);
  });

  it('refuses more rows than the limit, as a whole, with a distinct code', () => {
    const row = 'heart-rate,60,/min,2024-05-01T06:00:00Z\n';
    const text = (rows: number): string => 'category,value,unit,effectiveAt\n' + row.repeat(rows);
    expect(codesOf(text(3), 3)).toEqual([]);
    expect(codesOf(text(4), 3)).toEqual([{ index: null, field: '', code: 'too_many_rows' }]);
  });

  it('names the columns in a fixed order', () => {
    expect(CSV_COLUMNS).toEqual([
      'category',
      'value',
      'unit',
      'effectiveAt',
      'systolic',
      'diastolic',
      'note',
      'source',
    ]);
  });
});
