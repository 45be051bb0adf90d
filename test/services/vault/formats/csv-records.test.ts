import { describe, expect, it } from 'vitest';
import { formatCsvField, formatCsvRecord, readCsvRecords } from '../../../../services/vault/formats/csv-records.js';

function fieldsOf(text: string): readonly (readonly string[])[] {
  const result = readCsvRecords(text);
  if (!result.ok) throw new Error(result.message);
  return result.records.map((record) => record.fields);
}

describe('readCsvRecords', () => {
  it.each([
    ['LF', 'a,b\nc,d\n'],
    ['CRLF', 'a,b\r\nc,d\r\n'],
    ['a lone CR', 'a,b\rc,d\r'],
    ['no final line break', 'a,b\nc,d'],
    ['a byte-order mark', '\uFEFFa,b\r\nc,d\r\n'],
  ])('splits records ended by %s', (_what, text) => {
    expect(fieldsOf(text)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('keeps commas, doubled quotes and line breaks inside quoted fields', () => {
    expect(fieldsOf('"Run, 5 km","say ""hi""","two\nlines","crlf\r\nkept"\n')).toEqual([
      ['Run, 5 km', 'say "hi"', 'two\nlines', 'crlf\r\nkept'],
    ]);
  });

  it('reads empty fields, quoted or not, including a trailing one', () => {
    expect(fieldsOf('a,,"",\n')).toEqual([['a', '', '', '']]);
    expect(fieldsOf('a,b,')).toEqual([['a', 'b', '']]);
  });

  it('reads a blank line as one empty field', () => {
    expect(fieldsOf('a\n\nb\n')).toEqual([['a'], [''], ['b']]);
  });

  it('reads nothing from empty text', () => {
    expect(fieldsOf('')).toEqual([]);
    expect(fieldsOf('\uFEFF')).toEqual([]);
  });

  it('gives the physical line where each record starts', () => {
    const result = readCsvRecords('h\n"multi\nline\r\nfield"\nnext\n');
    expect(result.ok && result.records.map((r) => r.line)).toEqual([1, 2, 5]);
  });

  it.each([
    ['a quoted field never closed', 'a,b\n"open,c\n', 'unterminated_quote', 1, 2],
    ['text after a closing quote', 'a,b\n"x"y,c\n', 'invalid_quote', 1, 2],
    ['a quote inside an unquoted field', 'a,b\nx"y,c\n', 'invalid_quote', 1, 2],
  ])('refuses %s and says where', (_what, text, code, recordIndex, line) => {
    expect(readCsvRecords(text)).toMatchObject({ ok: false, code, recordIndex, line });
  });
});

describe('formatCsvField', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['Run, 5 km', '"Run, 5 km"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    [' padded ', '" padded "'],
    ['mm[Hg]', 'mm[Hg]'],
  ])('writes %j as %j', (value, written) => {
    expect(formatCsvField(value)).toBe(written);
  });

  it('writes fields that read back the same', () => {
    const fields = ['a', '', 'b,c', '"', '""', 'x\r\ny', '\n', ' lead', 'trail ', 'ümlaut 🫀', '=1+1'];
    expect(fieldsOf(formatCsvRecord(fields))).toEqual([fields]);
  });
});
