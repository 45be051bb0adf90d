// A CSV table (RFC 4180) from a header and rows of plain values, without the columns that are empty in every row:
// a heart-rate answer has no `component`, a count no `detail`, so the researcher's file carries only what it says.
export type CsvValue = string | number | boolean | null | undefined;

const text = (value: CsvValue): string => (value === null || value === undefined ? '' : String(value));

/** A field quoted when it holds a comma, a quote or a line break (quotes doubled). */
function field(value: CsvValue): string {
  const s = text(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The CSV text (a line feed after each line); a column is dropped when no row has a value in it
 * (with no row at all, the header stays whole). */
export function csvTable(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  const all = header.map((_, i) => i);
  const kept = rows.length === 0 ? all : all.filter((i) => rows.some((row) => text(row[i]) !== ''));
  const line = (values: readonly CsvValue[]) => kept.map((i) => field(values[i])).join(',');
  return [line(header), ...rows.map(line)].map((l) => `${l}\n`).join('');
}
