// RFC 4180 CSV, read and written: fields separated by commas (or semicolons, as European spreadsheets export
// them), records by CRLF (LF or a lone CR tolerated), fields in double quotes may hold separators, quotes (doubled)
// and line breaks; a leading byte-order mark is ignored. Knows nothing of observations.

export interface CsvRecord {
  readonly kind: 'record';
  /** 1-based physical line where the record starts (for messages people can find in an editor). */
  readonly line: number;
  readonly fields: readonly string[];
}

export interface CsvSyntaxError {
  readonly kind: 'error';
  /** 0-based index of the record where reading stopped. */
  readonly recordIndex: number;
  readonly line: number;
  readonly code: 'unterminated_quote' | 'invalid_quote';
  readonly message: string;
}

export type CsvReadResult =
  { readonly ok: true; readonly records: readonly CsvRecord[] } | ({ readonly ok: false } & CsvSyntaxError);

const COMMA = 44;
const SEMICOLON = 59;
const CR = 13;
const LF = 10;
const QUOTE = 34;
const LINE_BREAKS = /\r\n|\r|\n/g;

/** Splits CSV text into records of fields, or says where the quoting is broken. */
export function readCsvRecords(text: string): CsvReadResult {
  const records: CsvRecord[] = [];
  for (const item of iterateCsvRecords(text)) {
    if (item.kind === 'error') return { ok: false, ...item };
    records.push(item);
  }
  return { ok: true, records };
}

/** The field separator of a file: `;` when its first line has more semicolons than commas outside quotes. */
export function detectSeparator(text: string): ',' | ';' {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) quoted = !quoted;
    else if (!quoted && (c === CR || c === LF)) break;
    else if (!quoted && c === COMMA) commas += 1;
    else if (!quoted && c === SEMICOLON) semicolons += 1;
  }
  return semicolons > commas ? ';' : ',';
}

/** Yields records one by one (so a caller can stop early); a syntax error is yielded last. */
export function* iterateCsvRecords(
  text: string,
  separator: ',' | ';' = ',',
): Generator<CsvRecord | CsvSyntaxError, void, undefined> {
  const separatorCode = separator === ';' ? SEMICOLON : COMMA;
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let recordIndex = 0;
  const error = (at: number, code: CsvSyntaxError['code'], message: string): CsvSyntaxError => ({
    kind: 'error',
    recordIndex,
    line: at,
    code,
    message: `line ${at}: ${message}`,
  });
  while (i < n) {
    const recordLine = line;
    const fields: string[] = [];
    for (;;) {
      let field: string;
      if (text.charCodeAt(i) === QUOTE) {
        field = '';
        let from = i + 1;
        for (;;) {
          const close = text.indexOf('"', from);
          if (close === -1) {
            yield error(recordLine, 'unterminated_quote', 'a quoted field is never closed');
            return;
          }
          const chunk = text.slice(from, close);
          line += countLineBreaks(chunk);
          field += chunk;
          if (text.charCodeAt(close + 1) === QUOTE) {
            field += '"';
            from = close + 2;
          } else {
            i = close + 1;
            break;
          }
        }
        const next = text.charCodeAt(i);
        if (i < n && next !== separatorCode && next !== CR && next !== LF) {
          yield error(line, 'invalid_quote', 'text after the closing quote of a field');
          return;
        }
      } else {
        const start = i;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === separatorCode || c === CR || c === LF) break;
          if (c === QUOTE) {
            yield error(line, 'invalid_quote', 'a quote inside a field that does not start with a quote');
            return;
          }
          i += 1;
        }
        field = text.slice(start, i);
      }
      fields.push(field);
      const c = text.charCodeAt(i);
      if (c === separatorCode) {
        i += 1;
        if (i < n) continue;
        fields.push('');
        break;
      }
      if (c === CR) i += text.charCodeAt(i + 1) === LF ? 2 : 1;
      else if (c === LF) i += 1;
      if (c === CR || c === LF) line += 1;
      break;
    }
    yield { kind: 'record', line: recordLine, fields };
    recordIndex += 1;
  }
}

// A cell a spreadsheet would read as a formula (OWASP "CSV injection"): = + - @, or a tab or CR before one of them.
// A cell already starting with the guard `'` is guarded too, so that reading back is exactly the reverse.
const FORMULA_START = /^[=+\-@\t\r']/;
const GUARDED = /^'[=+\-@\t\r']/;

/** A text cell made spreadsheet-safe: prefixed with `'` when it starts with = + - @, a tab, a CR or a `'`. */
export function guardFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** The reverse of `guardFormula`: drops the `'` in front of = + - @, a tab, a CR or another `'`. */
export function unguardFormula(value: string): string {
  return GUARDED.test(value) ? value.slice(1) : value;
}

/** One field, quoted when it holds a comma, a quote, a line break or edge spaces. */
export function formatCsvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One record, without its line ending (RFC 4180 uses CRLF between records). */
export function formatCsvRecord(fields: readonly string[]): string {
  return fields.map(formatCsvField).join(',');
}

function countLineBreaks(chunk: string): number {
  return chunk.match(LINE_BREAKS)?.length ?? 0;
}
