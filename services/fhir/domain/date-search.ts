// FHIR date search (R4 §3.1.1.5.7, "date"): a prefix and a date, dateTime or partial date, each standing for a range
// [start, end) of instants; an observation's effective instant is compared with that range. Pure: no clock.

/** The prefixes the API accepts; `ap` (approximately) is refused, its meaning is the server's choice. */
export const DATE_PREFIXES = ['eq', 'ne', 'lt', 'gt', 'le', 'ge', 'sa', 'eb'] as const;
export type DatePrefix = (typeof DATE_PREFIXES)[number];

/** One date value of a search: its prefix and the instants it covers, [startMs, endMs). */
export interface DateCriterion {
  prefix: DatePrefix;
  startMs: number;
  endMs: number;
  /** The value as written (for the self link). */
  text: string;
}

export type DateParse = { ok: true; criterion: DateCriterion } | { ok: false; message: string };

const DATE_VALUE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** Reads one date value (`ge2024-03`, `2024-03-05T10:00:00+01:00`); a time without a zone is read as UTC. */
export function parseDateValue(raw: string): DateParse {
  const prefixed = /^[a-z]{2}/.exec(raw)?.[0];
  const prefix = (prefixed ?? 'eq') as DatePrefix;
  if (prefixed !== undefined && !(DATE_PREFIXES as readonly string[]).includes(prefixed)) {
    return { ok: false, message: `the prefix ${prefixed} is not supported (use ${DATE_PREFIXES.join(', ')})` };
  }
  const value = prefixed === undefined ? raw : raw.slice(2);
  const match = DATE_VALUE.exec(value);
  if (!match) return { ok: false, message: 'expected YYYY, YYYY-MM, YYYY-MM-DD or a dateTime' };
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  const year = Number(y);
  const month = mo === undefined ? undefined : Number(mo);
  const day = d === undefined ? undefined : Number(d);
  if (month !== undefined && (month < 1 || month > 12)) return { ok: false, message: 'the month is not 01–12' };
  if (day !== undefined && (day < 1 || day > daysIn(year, month!))) return { ok: false, message: 'no such day' };
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59)) {
    return { ok: false, message: 'the time is not valid' };
  }
  const offsetMs = zoneOffsetMs(zone);
  if (offsetMs === undefined) return { ok: false, message: 'the time zone offset is not valid' };
  let startMs: number;
  let endMs: number;
  if (month === undefined) {
    startMs = Date.UTC(year, 0, 1);
    endMs = Date.UTC(year + 1, 0, 1);
  } else if (day === undefined) {
    startMs = Date.UTC(year, month - 1, 1);
    endMs = Date.UTC(year, month, 1);
  } else if (h === undefined) {
    startMs = Date.UTC(year, month - 1, day);
    endMs = startMs + 86_400_000;
  } else {
    const wholeMs = Date.UTC(year, month - 1, day, Number(h), Number(mi), Number(s ?? 0)) - offsetMs;
    // Precision decides the range: to the minute, the second, or the digits of the fraction given.
    const digits = fraction === undefined ? 0 : fraction.length - 1;
    const stepMs = s === undefined ? 60_000 : digits === 0 ? 1_000 : Math.max(1, 1_000 / 10 ** Math.min(digits, 3));
    startMs = wholeMs + (fraction === undefined ? 0 : Math.floor(Number(fraction) * 1_000));
    endMs = startMs + stepMs;
  }
  // Years before 1970 and after 9999 are legal FHIR but no observation of ours; the arithmetic above stays exact.
  return { ok: true, criterion: { prefix, startMs, endMs, text: raw } };
}

/** Whether an instant (an observation's effective time) meets one criterion. */
export function matchesDate(instantMs: number, c: DateCriterion): boolean {
  switch (c.prefix) {
    case 'eq':
      return instantMs >= c.startMs && instantMs < c.endMs;
    case 'ne':
      return instantMs < c.startMs || instantMs >= c.endMs;
    case 'lt':
    case 'eb':
      return instantMs < c.startMs;
    case 'le':
      return instantMs < c.endMs;
    case 'gt':
    case 'sa':
      return instantMs >= c.endMs;
    case 'ge':
      return instantMs >= c.startMs;
  }
}

/** The instants a search can match at all: the narrowest [fromMs, toMs) that every criterion allows (for reading). */
export function dateBounds(criteria: readonly (readonly DateCriterion[])[]): { fromMs: number; toMs: number } {
  let fromMs = -Infinity;
  let toMs = Infinity;
  for (const alternatives of criteria) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const c of alternatives) {
      const [a, b] = rangeOf(c);
      lo = Math.min(lo, a);
      hi = Math.max(hi, b);
    }
    fromMs = Math.max(fromMs, lo);
    toMs = Math.min(toMs, hi);
  }
  return { fromMs, toMs };
}

function rangeOf(c: DateCriterion): [number, number] {
  switch (c.prefix) {
    case 'eq':
      return [c.startMs, c.endMs];
    case 'ne':
      return [-Infinity, Infinity];
    case 'lt':
    case 'eb':
      return [-Infinity, c.startMs];
    case 'le':
      return [-Infinity, c.endMs];
    case 'gt':
    case 'sa':
      return [c.endMs, Infinity];
    case 'ge':
      return [c.startMs, Infinity];
  }
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function zoneOffsetMs(zone: string | undefined): number | undefined {
  if (zone === undefined || zone === 'Z') return 0;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(4, 6));
  if (hours > 14 || minutes > 59) return undefined;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes) * 60_000;
}
