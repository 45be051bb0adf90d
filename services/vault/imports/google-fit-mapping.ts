// Google Fit (Takeout) records the catalogue holds: the daily-aggregate CSV ("Daily activity metrics.csv": Date,
// Step count, Average heart rate (bpm), Average weight (kg)) and the JSON data points of "All data/*.json"
// (com.google.step_count.delta, com.google.heart_rate.bpm, com.google.weight, com.google.height,
// com.google.sleep.segment). Pure: no I/O, no clock.
import type { ImportItem } from './import-items.js';

/** Daily-aggregate CSV columns (lower case) → catalogue category and unit. */
const DAILY_COLUMNS: Readonly<Record<string, { category: string; unit: string }>> = {
  'step count': { category: 'steps', unit: '/d' },
  'average heart rate (bpm)': { category: 'heart-rate', unit: '/min' },
  'average weight (kg)': { category: 'body-weight', unit: 'kg' },
};

/** One row of the daily CSV (cells by lower-case header) → one item per held, non-empty column. */
export function mapDailyRow(row: Readonly<Record<string, string>>): ImportItem[] {
  const date = row.date ?? '';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date))
    return [{ kind: 'refused', type: 'Daily activity metrics', code: 'invalid_time' }];
  const items: ImportItem[] = [];
  for (const [column, cell] of Object.entries(row)) {
    if (column === 'date' || cell.trim() === '') continue;
    const held = DAILY_COLUMNS[column];
    if (!held) continue;
    items.push({
      kind: 'observation',
      type: `Daily activity metrics: ${column}`,
      candidate: { ...held, value: Number(cell), effectiveAt: `${date}T00:00:00Z`, source: 'device' },
    });
  }
  return items;
}

/** A point of a Takeout "All data" JSON file, as far as it is read. */
export interface FitPoint {
  dataTypeName?: unknown;
  startTimeNanos?: unknown;
  endTimeNanos?: unknown;
  fitValue?: { value?: { intVal?: unknown; fpVal?: unknown } }[];
}

/** Sleep segment types that are asleep (1 is awake, 3 out of bed). */
const ASLEEP_SEGMENTS = new Set([2, 4, 5, 6]);

/** One JSON data point → an item. */
export function mapFitPoint(point: FitPoint): ImportItem {
  const type = typeof point.dataTypeName === 'string' ? point.dataTypeName : 'unknown';
  const start = nanosToIso(point.startTimeNanos);
  const end = nanosToIso(point.endTimeNanos) ?? start;
  const raw = point.fitValue?.[0]?.value;
  const value = Number(raw?.fpVal ?? raw?.intVal);
  if (start === undefined || end === undefined) return { kind: 'refused', type, code: 'invalid_time' };
  const observation = (category: string, unit: string, amount: number): ImportItem => ({
    kind: 'observation',
    type,
    candidate: { category, value: amount, unit, effectiveAt: start, source: 'device' },
  });
  switch (type) {
    case 'com.google.step_count.delta':
      return { kind: 'daily-sum', type, category: 'steps', day: start.slice(0, 10), at: start, amount: value };
    case 'com.google.heart_rate.bpm':
      return observation('heart-rate', '/min', value);
    case 'com.google.weight':
      return observation('body-weight', 'kg', value);
    case 'com.google.height':
      return observation('body-height', 'm', value);
    case 'com.google.sleep.segment':
      if (!ASLEEP_SEGMENTS.has(value)) return { kind: 'skipped', type: `${type}:${value}` };
      return { kind: 'interval', type, category: 'sleep-duration', day: end.slice(0, 10), start, end };
    default:
      return { kind: 'skipped', type };
  }
}

/** Nanoseconds since the epoch (a string or number) → ISO instant in UTC; undefined when not a number. */
function nanosToIso(nanos: unknown): string | undefined {
  if (typeof nanos !== 'string' && typeof nanos !== 'number') return undefined;
  const text = String(nanos);
  if (!/^\d{1,22}$/.test(text)) return undefined;
  const ms = Number(BigInt(text) / 1_000_000n);
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
